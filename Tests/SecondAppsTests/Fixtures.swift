import Foundation
import SecondCore

/// The §11 example agents.json, verbatim.
let specAgentsJSON = #"""
{
  "appTools": [{ "type": "custom", "name": "posthog_events_page", "enabled": true,
    "integration": { "name": "PostHog", "domain": "posthog.com", "keySlug": "default" },
    "endpoint": { "method": "GET", "url": "https://app.posthog.com/api/projects/{{projectId}}/events/",
      "headers": { "Authorization": "Bearer {{secrets.POSTHOG_PERSONAL_API_KEY}}" },
      "queryParams": { "after": "{{after}}", "limit": "{{limit}}" } },
    "mockData": [{ "results": [], "next": null }] }],
  "agents": [{ "id": "inbox-triage", "name": "Inbox Triage", "systemPrompt": "You triage mail.",
    "dataCollections": ["leads"],
    "tools": [
      { "type": "builtin", "name": "WebSearch", "enabled": true },
      { "type": "custom", "name": "slack_post", "enabled": true,
        "integration": { "name": "Slack", "domain": "slack.com", "keySlug": "default" },
        "endpoint": { "method": "POST", "url": "https://slack.com/api/chat.postMessage",
          "headers": { "Authorization": "Bearer {{secrets.SLACK_BOT_TOKEN}}" },
          "body": { "channel": "{{channel}}", "text": "{{text}}" } },
        "mockData": [{ "ok": true }, { "ok": true, "ts": "1" }, { "ok": false, "error": "channel_not_found" }] },
      { "type": "custom", "name": "gmail_search_messages", "enabled": true,
        "integration": { "name": "Google Gmail", "domain": "googleapis.com", "keySlug": "gmail-read",
          "auth": { "type": "oauth2", "providerKey": "google", "identity": "triggering_user",
            "authorizationUrl": "https://accounts.google.com/o/oauth2/v2/auth",
            "tokenUrl": "https://oauth2.googleapis.com/token",
            "scopes": ["https://www.googleapis.com/auth/gmail.metadata"],
            "authorizationParams": { "access_type": "offline", "prompt": "consent" } } },
        "endpoint": { "method": "GET", "url": "https://gmail.googleapis.com/gmail/v1/users/me/messages",
          "queryParams": { "q": "{{query}}", "maxResults": "10" } },
        "mockData": [{ "messages": [] }] } ] }]
}
"""#

func parsed(_ text: String) -> JSON { try! JSON.parse(text) }

/// `json` with the value at `path` replaced (nil removes it). Numeric tokens index arrays.
func setting(_ json: JSON, _ path: [String], _ value: JSON?) -> JSON {
    guard let head = path.first else { return value ?? .null }
    let rest = Array(path.dropFirst())
    switch json {
    case .object(var o):
        if rest.isEmpty { o[head] = value } else { o[head] = setting(o[head] ?? .object([:]), rest, value) }
        return .object(o)
    case .array(var a):
        let i = Int(head)!
        if rest.isEmpty { if let value { a[i] = value } else { a.remove(at: i) } } else { a[i] = setting(a[i], rest, value) }
        return .array(a)
    default:
        return json
    }
}

/// The spec example with one tool edited, as text.
func specWith(_ path: [String], _ value: JSON?) -> String { setting(parsed(specAgentsJSON), path, value).text }

/// The manifests shipped in samples/app (kept valid by SampleManifestTests).
enum SampleManifests {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/samples/app"
    }()
    static func text(_ name: String) throws -> String { try String(contentsOfFile: root + "/" + name, encoding: .utf8) }
}
