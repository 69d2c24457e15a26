extension JSON {
    /// The value as an integer when it is a whole number that an `Int` holds exactly (|n| < 2^53).
    public var exactInt: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d):
            guard d.isFinite, d == d.rounded(), abs(d) < 9_007_199_254_740_992 else { return nil }
            return Int(d)
        default: return nil
        }
    }

    /// A panel's grid width (1…24) or height (1…1000) from `gridPos`, when it is one.
    public func gridSize(_ key: String) -> Int? {
        guard let n = self["gridPos"]?[key]?.exactInt else { return nil }
        return (key == "w" ? 1...24 : 1...1000).contains(n) ? n : nil
    }
}
