import XCTest

@testable import AzAudioCore

/// Numbers from outside (a service's headers and JSON, a caller's options) never reach Swift's conversion trap.
final class HostileNumbersTests: XCTestCase {
    func testSaturatingConversionClampsNaNInfinityAndHugeValues() {
        XCTAssertEqual(Double.nan.saturatingInt64(), 0)
        XCTAssertEqual(Double.infinity.saturatingInt64(), .max)
        XCTAssertEqual((-Double.infinity).saturatingInt64(), .min)
        XCTAssertEqual(1e300.saturatingInt64(), .max)
        XCTAssertEqual(2.5.saturatingInt64(.up), 3)
        XCTAssertEqual((-7.0).saturatingInt64(), -7)
    }

    func testAHugeRetryAfterOnAReconnectGivesALongWaitNotACrash() {
        XCTAssertEqual(
            ReconnectPolicy.backoffMs(attempt: 1, baseMs: 250, jitter: 1, retryAfterSeconds: 1e300),
            UInt64(Int64.max))
    }

    func testSubtitleTimestampsOfHostileSegmentTimesAreClamped() {
        XCTAssertEqual(SubtitleCues.timestamp(.nan, separator: ","), "00:00:00,000")
        XCTAssertEqual(SubtitleCues.timestamp(-5, separator: ","), "00:00:00,000")
        XCTAssertFalse(SubtitleCues.timestamp(.infinity, separator: ".").isEmpty)
        XCTAssertFalse(SubtitleCues.timestamp(1e300, separator: ".").isEmpty)
    }

    func testDurationsFormattedForMessagesSurviveHostileValues() {
        XCTAssertEqual(LongAudioJob.clock(1e300).isEmpty, false)
        XCTAssertEqual(KnownSpeaker.formatSeconds(.infinity).isEmpty, false)
    }
}
