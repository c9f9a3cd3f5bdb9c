import SecondCore

/// §11 governance checks for one custom tool that already has the right shape. They are
/// policy issues (`changes_required`): the builder can fix them without restructuring the file.
enum CustomToolRules {
    static let reservedName = "report_tool_call_failed"

    static func check(_ tool: CustomTool, at pointer: String, sink: IssueSink) {
        let endpointPointer = Pointer.child(pointer, "endpoint")
        let authorization = tool.endpoint.headers.first { $0.key.lowercased() == "authorization" }
        // Every placeholder with the pointer of the field it sits in.
        var placed: [(String, String)] = Placeholders.names(in: tool.endpoint.url).map { ($0, Pointer.child(endpointPointer, "url")) }
        for key in tool.endpoint.headers.keys.sorted() {
            let p = Pointer.child(Pointer.child(endpointPointer, "headers"), key)
            placed += Placeholders.names(in: tool.endpoint.headers[key]!).map { ($0, p) }
        }
        for key in tool.endpoint.queryParams.keys.sorted() {
            let p = Pointer.child(Pointer.child(endpointPointer, "queryParams"), key)
            placed += Placeholders.names(in: tool.endpoint.queryParams[key]!).map { ($0, p) }
        }
        if let body = tool.endpoint.body {
            placed += Placeholders.names(in: body).map { ($0, Pointer.child(endpointPointer, "body")) }
        }

        if case .oauth2? = tool.integration.auth {
            // The server injects the user's access token; a spec must never carry one itself.
            for (name, p) in placed {
                if Placeholders.isSecretReference(name) {
                    sink.changes(p, "OAuth tool \(tool.name) must not use secret placeholder {{\(name)}}: the server adds the user's token")
                } else if Placeholders.looksTokenLike(name) {
                    sink.changes(p, "OAuth tool \(tool.name) must not use token-like placeholder {{\(name)}}")
                }
            }
            if let authorization {
                sink.changes(Pointer.child(Pointer.child(endpointPointer, "headers"), authorization.key),
                             "OAuth tool \(tool.name) must not set an Authorization header: the server adds the user's bearer token")
            }
        } else {
            // Static/public tools: credentials come only from the grant's stored secrets.
            for (name, p) in placed where !Placeholders.isSecretReference(name) && Placeholders.looksSecret(name) {
                sink.changes(p, "placeholder {{\(name)}} looks like a credential; use {{secrets.\(name.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_"))}} so it comes from the app's integration grant")
            }
            for (name, p) in placed where Placeholders.isSecretReference(name) && name.count == "secrets.".count {
                sink.changes(p, "placeholder {{\(name)}} names no secret")
            }
            if let authorization, !Placeholders.names(in: authorization.value).contains(where: Placeholders.isSecretReference) {
                sink.changes(Pointer.child(Pointer.child(endpointPointer, "headers"), authorization.key),
                             "the Authorization header must take its credential from a {{secrets.NAME}} placeholder")
            }
        }
    }
}
