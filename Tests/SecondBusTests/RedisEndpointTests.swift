import Testing
@testable import SecondBus

@Suite("RedisEndpoint / BusFactory") struct RedisEndpointTests {
    @Test func parsesTheSupportedForms() throws {
        #expect(try RedisEndpoint.parse("redis://localhost") == RedisEndpoint(host: "localhost"))
        #expect(try RedisEndpoint.parse("redis://cache:6380/") == RedisEndpoint(host: "cache", port: 6380))
        #expect(try RedisEndpoint.parse("redis://:s3cret@10.0.0.5:6379/2") ==
                RedisEndpoint(host: "10.0.0.5", port: 6379, password: "s3cret", database: 2))
        #expect(try RedisEndpoint.parse("REDIS://app:pw@h:1/0") == RedisEndpoint(host: "h", port: 1, username: "app", password: "pw"))
        #expect(try RedisEndpoint.parse("redis://:p%40ss%3Aw%2Frd@h") == RedisEndpoint(host: "h", password: "p@ss:w/rd"))
        #expect(try RedisEndpoint.parse("redis://:a@b@h:7") == RedisEndpoint(host: "h", port: 7, password: "a@b"))
        #expect(try RedisEndpoint.parse("redis://[::1]:6390/1") == RedisEndpoint(host: "::1", port: 6390, database: 1))
        #expect(try RedisEndpoint.parse("redis://h?timeout=1") == RedisEndpoint(host: "h"))
    }

    @Test func descriptionNamesHostAndPortOnly() throws {
        #expect("\(try RedisEndpoint.parse("redis://:topsecret@cache:6380/4"))" == "cache:6380")
        #expect("\(try RedisEndpoint.parse("redis://[::1]"))" == "[::1]:6379")
    }

    @Test func rejectsTLSWithTheAdvice() {
        #expect(throws: BusError.invalid("TLS not supported by hiredis 0.14; terminate TLS with stunnel or use a private network")) {
            try RedisEndpoint.parse("rediss://:pw@cache:6380")
        }
        #expect(throws: BusError.invalid(RedisEndpoint.tlsUnsupported)) {
            try BusFactory.make(redisURL: "rediss://cache:6380", settings: BusSettings())
        }
    }

    @Test(arguments: ["cache:6379", "http://cache", "redis://", "redis://:pw@", "redis://h:0", "redis://h:70000", "redis://h:port",
                      "redis://h/db", "redis://h/-1", "redis://[::1", "redis://[::1]x", "unix:///tmp/redis.sock"])
    func rejectsMalformedURLsWithoutEchoingThem(url: String) {
        do {
            _ = try RedisEndpoint.parse(url.replacingOccurrences(of: "redis://", with: "redis://:leaky-pw@"))
            Issue.record("accepted \(url)")
        } catch {
            guard case .invalid(let m) = error else { Issue.record("expected .invalid, got \(error)"); return }
            #expect(!m.contains("leaky-pw"))
        }
    }

    @Test func theFactoryPicksTheImplementation() throws {
        #expect(try BusFactory.make(redisURL: nil, settings: BusSettings()).kind == "in-process")
        #expect(try BusFactory.make(redisURL: "  ", settings: BusSettings()).kind == "in-process")
        let redis = try BusFactory.make(redisURL: "redis://:pw@cache:6380/1", settings: BusSettings())
        #expect(redis.kind == "redis")
        #expect((redis as? RedisBus)?.endpoint == RedisEndpoint(host: "cache", port: 6380, password: "pw", database: 1))
        #expect(throws: BusError.self) { try BusFactory.make(redisURL: nil, settings: BusSettings(replayCap: 0)) }
        #expect(throws: BusError.self) { try BusFactory.make(redisURL: nil, settings: BusSettings(backoffBaseMs: 500, backoffCapMs: 100)) }
    }
}
