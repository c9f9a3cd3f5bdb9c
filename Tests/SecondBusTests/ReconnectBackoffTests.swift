import Testing
@testable import SecondBus

@Suite("ReconnectBackoff") struct ReconnectBackoffTests {
    @Test func doublesFromTheBaseUpToTheCapAndResetsOnSuccess() {
        var b = ReconnectBackoff(baseMs: 50, capMs: 2000)
        #expect(b.delayMs == 0 && b.mayAttempt(atMs: 0))
        var delays: [UInt64] = []
        for _ in 0..<10 { b.failed(atMs: 1000); delays.append(b.delayMs) }
        #expect(delays == [50, 100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000])
        #expect(!b.mayAttempt(atMs: 2999) && b.mayAttempt(atMs: 3000))
        #expect(b.waitMs(atMs: 2500) == 500 && b.waitMs(atMs: 3500) == 0)
        b.succeeded()
        #expect(b.delayMs == 0 && b.failures == 0 && b.mayAttempt(atMs: 0))
        b.failed(atMs: 10)
        #expect(b.delayMs == 50 && b.nextAttemptAtMs == 60)
    }

    @Test func manyFailuresNeitherOverflowNorExceedTheCap() {
        var b = ReconnectBackoff(baseMs: 50, capMs: 2000)
        for i in 0..<500 { b.failed(atMs: UInt64(i)) }
        #expect(b.delayMs == 2000)
    }
}
