/// JSON Merge Patch (RFC 7386): how a spec's `grafana:` passthrough changes emitted JSON.
///
/// A patch object is merged member by member, recursively; a `null` member removes the key; any other
/// value (arrays included) replaces what was there. A patch that is not an object replaces the value.
extension JSON {
    /// This value with `patch` applied.
    public func applying(patch: JSON) -> JSON {
        guard case .object(let changes) = patch else { return patch }
        var result = JSONObjectBuilder(self)
        for (key, value) in zip(changes.keys, changes.values) {
            if value == .null {
                result.remove(key)
            } else {
                result.set(key, (result.value(key) ?? .null).applying(patch: value))
            }
        }
        return result.json
    }

    /// The patch that turns `self` into `target` (`self.applying(patch:)` gives `target` back, except
    /// for `null` members of `target`, which a merge patch cannot express and which are left out).
    /// nil when the two are equal.
    public func mergePatch(to target: JSON) -> JSON? {
        guard case .object(let old) = self, case .object(let new) = target else {
            if self == target { return .none }
            return .some(target.withoutNullMembers)
        }
        var patch: [(String, JSON)] = []
        let oldMembers = old.dictionary
        for (key, value) in zip(new.keys, new.values) where value != .null {
            if let before = oldMembers[key], before != .null {
                if let change = before.mergePatch(to: value) { patch.append((key, change)) }
            } else {
                patch.append((key, value.withoutNullMembers))
            }
        }
        // `JSON` is nil-literal expressible: `nil` would mean `JSON.null` here, so absence is spelled `.none`.
        let newMembers = new.dictionary
        for key in old.keys {
            let kept: Bool
            switch newMembers[key] {
            case .some(.null), .none: kept = false
            case .some: kept = true
            }
            if !kept, case .some(let before) = oldMembers[key], before != .null { patch.append((key, .null)) }
        }
        if patch.isEmpty { return .none }
        return .some(.object(JSONMembers(unsorted: patch)))
    }

    /// The value with `null` object members removed, at every depth of objects; arrays are kept as they are
    /// (a merge patch takes an array literally).
    public var withoutNullMembers: JSON {
        switch self {
        case .object(let members):
            return .object(
                JSONMembers(
                    unsorted: zip(members.keys, members.values).compactMap {
                        $1 == .null ? nil : ($0, $1.withoutNullMembers)
                    }
                ))
        default: return self
        }
    }
}

/// Member edits on an object value (anything else starts an empty object).
private struct JSONObjectBuilder {
    var keys: [String] = []
    var values: [String: JSON] = [:]

    init(_ value: JSON) {
        if case .object(let members) = value {
            keys = members.keys
            values = members.dictionary
        }
    }

    func value(_ key: String) -> JSON? { values[key] }

    mutating func set(_ key: String, _ value: JSON) {
        if !keys.contains(key) { keys.append(key) }
        values[key] = value
    }

    mutating func remove(_ key: String) {
        values[key] = nil
        keys.removeAll { $0 == key }
    }

    var json: JSON { .object(JSONMembers(unsorted: keys.map { ($0, values[$0]!) })) }
}
