/// Doubles that come from outside (a service's Retry-After, its segment times, a caller's seconds) turned into
/// integers without Swift's conversion trap: NaN gives 0, values past the range give its end.
extension Double {
    /// `self` rounded as `rule` says, clamped to Int64 (NaN: 0).
    func saturatingInt64(_ rule: FloatingPointRoundingRule = .toNearestOrEven) -> Int64 {
        guard !isNaN else { return 0 }
        let r = rounded(rule)
        if r >= 9_223_372_036_854_775_807.0 { return .max }  // 2^63: the first Double past Int64.max
        if r <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(r)
    }
}
