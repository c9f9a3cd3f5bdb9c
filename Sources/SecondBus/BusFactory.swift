import Foundation

/// Chooses the implementation: in-process when REDIS_URL is unset or empty, Redis otherwise.
public enum BusFactory {
    public static func make(redisURL: String?, settings: BusSettings = BusSettings()) throws -> any CoordinationBus {
        let settings = try settings.validated()
        guard let url = redisURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty else {
            return InProcessBus(settings: settings)
        }
        return RedisBus(endpoint: try RedisEndpoint.parse(url), settings: settings)
    }
}
