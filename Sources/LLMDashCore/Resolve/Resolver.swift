/// Layout, stable identity and the structural checks a dashboard must pass before emission.
public enum Resolver {
    public static func resolve(_ spec: DashboardSpec) -> (ResolvedDashboard, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        checkDashboard(spec, &diagnostics)
        let datasourceUID =
            spec.datasource
            ?? spec.variables.first(where: { $0.kind == .datasource }).map { "${\($0.name)}" } ?? "prometheus"

        var identities = IdentityTable(capacity: spec.panels.count + spec.rows.reduce(0) { $0 + 1 + $1.panels.count })
        var layout = FlowLayout()
        // Panels are read in place (`forEachInPlace`): each is copied once, into its resolved panel.
        var panels: [ResolvedPanel] = []
        panels.reserveCapacity(spec.panels.count)
        spec.panels.forEachInPlace { panel in
            place(panel, rowKey: nil, into: &panels, &layout, &identities, &diagnostics)
        }
        layout.finishLine()
        var rows: [ResolvedRow] = []
        rows.reserveCapacity(spec.rows.count)
        spec.rows.forEachInPlace { row in
            let rowKey = row.pointee.key ?? Slug.make(row.pointee.title)
            let key = "row:" + rowKey
            let id = identities.claim(
                key: key, explicit: row.pointee.id, location: row.pointee.location, &diagnostics)
            let grid = layout.rowHeader()
            var children: [ResolvedPanel] = []
            children.reserveCapacity(row.pointee.panels.count)
            row.pointee.panels.forEachInPlace { panel in
                place(panel, rowKey: rowKey, into: &children, &layout, &identities, &diagnostics)
            }
            layout.finishLine()
            rows.append(ResolvedRow(spec: row.pointee, key: key, id: id, grid: grid, panels: children))
        }
        let resolved = ResolvedDashboard(spec: spec, panels: panels, rows: rows, datasourceUID: datasourceUID)
        return (resolved, diagnostics)
    }

    /// Lays out, identifies and checks a panel, read in place, and appends it to `panels`.
    private static func place(
        _ panel: UnsafePointer<PanelSpec>, rowKey: String?, into panels: inout [ResolvedPanel],
        _ layout: inout FlowLayout, _ identities: inout IdentityTable, _ diagnostics: inout [Diagnostic]
    ) {
        let key = panel.pointee.key ?? Slug.make(panel.pointee.title, under: rowKey)
        let location = panel.pointee.location
        let id = identities.claim(key: key, explicit: panel.pointee.id, location: location, &diagnostics)
        let size = panel.pointee.type.defaultSize
        let width = panel.pointee.width ?? size.width
        let height = panel.pointee.height ?? size.height
        if !(1...24).contains(width) {
            diagnostics.append(.error("spec.width", "panel width \(width) is outside 1…24 columns", at: location))
        }
        if !(1...500).contains(height) {
            diagnostics.append(.error("spec.height", "panel height \(height) is outside 1…500", at: location))
        }
        let grid = layout.place(
            width: min(max(width, 1), 24), height: max(height, 1), newLine: panel.pointee.newLine)
        checkPanel(panel, &diagnostics)
        panels.append(ResolvedPanel(spec: panel.pointee, key: key, id: id, grid: grid))
    }

    static func checkDashboard(_ spec: DashboardSpec, _ diagnostics: inout [Diagnostic]) {
        if spec.uid.isEmpty {
            diagnostics.append(.error("spec.uid", "dashboard uid is empty", at: spec.location))
        } else if !spec.uid.utf8.allSatisfy({
            Slug.isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }) {
            diagnostics.append(
                .error(
                    "spec.uid", "dashboard uid '\(spec.uid)' may hold only letters, digits, '-' and '_'",
                    at: spec.location, notes: ["Grafana rejects other characters, and the uid names the output file"]))
        } else if spec.uid.utf8.count > 40 {
            diagnostics.append(
                .error(
                    "spec.uid", "dashboard uid '\(spec.uid)' is longer than Grafana's 40 characters", at: spec.location)
            )
        }
        if spec.title.isBlank {
            diagnostics.append(.error("spec.title", "dashboard title is empty", at: spec.location))
        }
        if let problem = FolderName.problem(spec.folder) {
            diagnostics.append(.error("spec.folder", "folder '\(spec.folder)' \(problem)", at: spec.location))
        }
        var seen: [String: SourceLocation?] = Dictionary(minimumCapacity: spec.variables.count)
        for variable in spec.variables {
            if !VariableName.isValid(variable.name) {
                diagnostics.append(
                    .error(
                        "spec.variable-name",
                        "variable name '\(variable.name)' must start with a letter or '_' and hold only letters, digits and '_'",
                        at: variable.location))
            } else if variable.name.hasPrefix("__") {
                diagnostics.append(
                    .error(
                        "spec.variable-name", "variable names starting with '__' are Grafana's own",
                        at: variable.location))
            }
            if let first = seen[variable.name] {
                diagnostics.append(
                    .error(
                        "spec.duplicate-variable", "variable '\(variable.name)' is defined twice",
                        at: variable.location,
                        notes: first.map { ["first defined at \($0)"] } ?? []))
            } else {
                seen[variable.name] = variable.location
            }
            if (variable.kind == .custom || variable.kind == .interval) && variable.values.isEmpty {
                diagnostics.append(
                    .error("spec.variable-values", "variable '\(variable.name)' has no values", at: variable.location))
            }
            if let current = variable.current, variable.kind == .custom || variable.kind == .interval,
                !variable.values.contains(current), !(variable.includeAll && current == "All")
            {
                diagnostics.append(
                    .error(
                        "spec.variable-current", "current value '\(current)' is not one of the variable's values",
                        at: variable.location, notes: ["values: " + variable.values.joined(separator: ", ")]))
            }
        }
    }

    /// Checks a panel's queries and range, read in place.
    static func checkPanel(_ panel: UnsafePointer<PanelSpec>, _ diagnostics: inout [Diagnostic]) {
        var refIds: Set<String> = []
        var i = 0
        let queries = panel.pointee.queries
        queries.forEachInPlace { query in
            defer { i += 1 }
            // A panel's only query cannot clash: no set is built for it.
            if queries.count > 1 {
                let refId = query.pointee.refId ?? RefID.make(i)
                if !refIds.insert(refId).inserted {
                    diagnostics.append(
                        .error(
                            "spec.duplicate-refid",
                            "refId '\(refId)' is used twice in panel '\(panel.pointee.title)'",
                            at: query.pointee.location ?? panel.pointee.location))
                }
            }
            if query.pointee.expr.isBlank {
                diagnostics.append(
                    .error(
                        "spec.empty-query", "query is empty", at: query.pointee.location ?? panel.pointee.location))
            }
        }
        if let min = panel.pointee.field.min, let max = panel.pointee.field.max, min >= max {
            diagnostics.append(
                .error(
                    "spec.min-max",
                    "min (\(JSONWriter.formatDouble(min))) is not below max (\(JSONWriter.formatDouble(max)))",
                    at: panel.pointee.location))
        }
    }
}

/// Query reference ids in Grafana's order: A…Z, then AA, AB, ….
enum RefID {
    static func make(_ index: Int) -> String {
        var n = index
        var out = ""
        repeat {
            out = String(UnicodeScalar(UInt8(65 + n % 26))) + out
            n = n / 26 - 1
        } while n >= 0
        return out
    }
}

enum VariableName {
    /// An ASCII letter or `_`, then ASCII letters, digits and `_`.
    static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first == UInt8(ascii: "_") || !(0x30...0x39).contains(first) else {
            return false
        }
        return bytes.allSatisfy { $0 == UInt8(ascii: "_") || Slug.isASCIILetterOrDigit($0) }
    }
}

/// Folder names become directories under the output folder; none may climb out of it.
public enum FolderName {
    public static func problem(_ folder: String) -> String? {
        if folder.isEmpty { return nil }
        if folder == "." || folder == ".." { return "is not a folder name" }
        if folder.hasPrefix(".") { return "may not start with '.'" }
        if folder.contains("/") || folder.contains("\\") {
            return "may not contain '/' or '\\' (Grafana folders from files do not nest)"
        }
        if folder.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "may not contain control characters"
        }
        if folder.utf8.count > 200 { return "is too long" }
        if folder.first == " " || folder.last == " " { return "may not start or end with spaces" }
        return nil
    }
}

/// Lower-case, dash-separated identifiers derived from titles.
public enum Slug {
    public static func make(_ text: String) -> String {
        asciiSlug(text) ?? unicodeSlug(text)
    }

    /// The slug of any text: lower-cased letters and digits of every script, runs of anything else as one dash.
    static func unicodeSlug(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, Self.isASCIILetterOrDigit(scalar) {
                if dash, !out.isEmpty { out += "-" }
                out.unicodeScalars.append(scalar)
                dash = false
            } else if !scalar.isASCII, scalar.properties.isAlphabetic {
                if dash, !out.isEmpty { out += "-" }
                out.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "untitled" : out
    }

    /// `prefix/` and the slug of `text` (`prefix` alone when nil): the key of a panel in a row, made as one string.
    static func make(_ text: String, under prefix: String?) -> String {
        guard let prefix else { return make(text) }
        let joined: String?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let head = prefix.utf8.count
            // `untitled` is longer than the slug of a text of fewer than eight bytes.
            return String(unsafeUninitializedCapacity: head + 1 + max(bytes.count, 8)) { out in
                _ = out.initialize(from: prefix.utf8)
                out[head] = UInt8(ascii: "/")
                return head + 1 + writeASCIISlug(bytes, to: UnsafeMutableBufferPointer(rebasing: out[(head + 1)...]))
            }
        }
        return (joined ?? nil) ?? prefix + "/" + make(text)
    }

    /// The slug of an all-ASCII text, byte by byte (the same as `make` gives, without case mapping or
    /// Unicode property lookups); nil when the text holds anything else.
    static func asciiSlug(_ text: String) -> String? {
        text.utf8.withContiguousStorageIfAvailable(asciiSlug) ?? nil
    }

    private static func asciiSlug(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: max(bytes.count, 8)) { writeASCIISlug(bytes, to: $0) }
    }

    /// Writes the slug of all-ASCII `bytes` to `out`, which has room for `max(bytes.count, 8)` bytes, and returns
    /// its length. At most one byte goes out per byte in: letters and digits, and one dash per gap before them; a
    /// text without letters or digits is `untitled`.
    private static func writeASCIISlug(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    {
        var count = 0
        var dash = false
        for byte in bytes {
            guard isASCIILetterOrDigit(byte) else {
                dash = true
                continue
            }
            if dash, count > 0 {
                out[count] = UInt8(ascii: "-")
                count += 1
            }
            // Upper case to lower case, as `lowercased()` maps ASCII.
            out[count] = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            count += 1
            dash = false
        }
        guard count > 0 else {
            for (i, byte) in "untitled".utf8.enumerated() { out[i] = byte }
            return 8
        }
        return count
    }

    /// The ASCII scalars that are alphabetic or digits, without a Unicode property lookup.
    @inline(__always) static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && isASCIILetterOrDigit(UInt8(scalar.value))
    }

    /// The ASCII bytes that are letters or digits.
    @inline(__always) static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }
}

/// Assigns ids from stable keys: FNV-1a folded to 31 bits, so an insertion never renumbers other panels.
///
/// Keys and ids are found through two small open-addressed tables, indexed by the keys' folded FNV-1a hashes and
/// by the ids, which are spread like hashes: a claim hashes its key once, where a dictionary would hash it again
/// with its own seeded hash for each lookup.
struct IdentityTable {
    /// A key claimed, with its hash and where it was first claimed.
    private struct Claimed {
        var key: String
        var hash: UInt64
        var location: SourceLocation?
    }

    private var claimed: [Claimed] = []
    /// Indices into `claimed` plus one (0 for a free slot), each at the slot its key's hash picks or the first
    /// free one after it.
    private var keySlots: [Int]
    /// Ids given out with the index into `claimed` of the key each went to, plus one (0 for a free slot), each at
    /// the slot the id picks or the first free one after it.
    private var idSlots: [(id: Int, holder: Int)]
    private var ids = 0

    /// A table for about `capacity` keys.
    init(capacity: Int = 0) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        keySlots = Array(repeating: 0, count: size)
        idSlots = Array(repeating: (0, 0), count: size)
        claimed.reserveCapacity(capacity)
    }

    mutating func claim(key: String, explicit: Int?, location: SourceLocation?, _ diagnostics: inout [Diagnostic])
        -> Int
    {
        let hash = Self.fnv1a(key)
        let index: Int
        if let first = find(key, hash: hash) {
            // A repeated key keeps the first one's location.
            index = first
            diagnostics.append(
                .error(
                    "spec.duplicate-key", "two panels share the key '\(key)'", at: location,
                    notes: (claimed[first].location.map { ["the other is at \($0)"] } ?? []) + [
                        "give one of them a distinct 'key' or title"
                    ]))
        } else {
            index = add(Claimed(key: key, hash: hash, location: location))
        }
        if let explicit {
            if explicit < 1 { diagnostics.append(.error("spec.id", "panel ids must be positive", at: location)) }
            if let other = give(explicit, to: index), other != index {
                diagnostics.append(
                    .error(
                        "spec.duplicate-id",
                        "panel id \(explicit) of '\(key)' is already used by '\(claimed[other].key)'", at: location))
            }
            return explicit
        }
        // Two keys hashing alike (rare below thousands of panels): the later one probes onward, deterministically.
        var id = Self.fold(hash)
        var probe = 0
        while let other = holder(of: id), other != index {
            probe += 1
            id = Self.hash(key + "#\(probe)")
        }
        _ = give(id, to: index)
        return id
    }

    /// The index in `claimed` of `key`, whose hash is `hash`; nil when it was not claimed.
    private func find(_ key: String, hash: UInt64) -> Int? {
        let mask = keySlots.count - 1
        var slot = Self.fold(hash) & mask
        while keySlots[slot] != 0 {
            let index = keySlots[slot] - 1
            if claimed[index].hash == hash, claimed[index].key == key { return index }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Adds a key not claimed before and returns its index in `claimed`.
    private mutating func add(_ entry: Claimed) -> Int {
        if 2 * (claimed.count + 1) > keySlots.count {
            keySlots = Array(repeating: 0, count: 2 * keySlots.count)
            for index in claimed.indices { placeKey(index, hash: claimed[index].hash) }
        }
        claimed.append(entry)
        placeKey(claimed.count - 1, hash: entry.hash)
        return claimed.count - 1
    }

    private mutating func placeKey(_ index: Int, hash: UInt64) {
        let mask = keySlots.count - 1
        var slot = Self.fold(hash) & mask
        while keySlots[slot] != 0 { slot = (slot + 1) & mask }
        keySlots[slot] = index + 1
    }

    /// The index in `claimed` of the key `id` went to; nil when it is free.
    private func holder(of id: Int) -> Int? {
        let mask = idSlots.count - 1
        var slot = id & mask
        while idSlots[slot].holder != 0 {
            if idSlots[slot].id == id { return idSlots[slot].holder - 1 }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Gives `id` to the key at `index` in `claimed`, and returns the index of the key it went to before, if any.
    private mutating func give(_ id: Int, to index: Int) -> Int? {
        let mask = idSlots.count - 1
        var slot = id & mask
        while idSlots[slot].holder != 0 {
            if idSlots[slot].id == id {
                defer { idSlots[slot].holder = index + 1 }
                return idSlots[slot].holder - 1
            }
            slot = (slot + 1) & mask
        }
        if 2 * (ids + 1) > idSlots.count {
            let given = idSlots.filter { $0.holder != 0 }
            idSlots = Array(repeating: (0, 0), count: 2 * idSlots.count)
            for entry in given { placeID(entry.id, holder: entry.holder) }
        }
        ids += 1
        placeID(id, holder: index + 1)
        return nil
    }

    private mutating func placeID(_ id: Int, holder: Int) {
        let mask = idSlots.count - 1
        var slot = id & mask
        while idSlots[slot].holder != 0 { slot = (slot + 1) & mask }
        idSlots[slot] = (id, holder)
    }

    static func hash(_ key: String) -> Int { fold(fnv1a(key)) }

    /// FNV-1a of the key's UTF-8 bytes, read from the string's own storage.
    static func fnv1a(_ key: String) -> UInt64 {
        if let h = key.utf8.withContiguousStorageIfAvailable(fnv1a) { return h }
        var key = key
        return key.withUTF8(fnv1a)
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// A hash folded to a positive 31-bit id.
    static func fold(_ h: UInt64) -> Int {
        let folded = (h ^ (h >> 31) ^ (h >> 62)) & 0x7FFF_FFFF
        return folded == 0 ? 1 : Int(folded)
    }
}

/// Grafana's grid flow: left to right, wrapping at 24 columns, each row header a full-width line.
struct FlowLayout {
    private(set) var x = 0
    private(set) var y = 0
    private var lineHeight = 0

    mutating func place(width: Int, height: Int, newLine: Bool) -> GridPos {
        if x > 0, newLine || x + width > 24 { finishLine() }
        let grid = GridPos(x: x, y: y, w: width, h: height)
        x += width
        lineHeight = max(lineHeight, height)
        return grid
    }

    mutating func finishLine() {
        y += lineHeight
        x = 0
        lineHeight = 0
    }

    mutating func rowHeader() -> GridPos {
        finishLine()
        let grid = GridPos(x: 0, y: y, w: 24, h: 1)
        y += 1
        return grid
    }
}
