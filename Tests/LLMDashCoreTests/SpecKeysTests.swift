import Testing

@testable import LLMDashCore

/// The key enums of the spec reader: each case is named like its key, and numbered by its place in the list.
@Suite struct SpecKeysTests {
    static func check<Key: MappingKey>(_: Key.Type) {
        #expect(Key.allCases.map { String(describing: $0) } == Key.keyList.names, "\(Key.self)")
        #expect(Key.allCases.map(\.rawValue) == Array(Key.keyList.names.indices), "\(Key.self)")
    }

    @Test func casesFollowTheNames() {
        Self.check(DocumentKey.self)
        Self.check(MetadataKey.self)
        Self.check(DashboardKey.self)
        Self.check(TimeKey.self)
        Self.check(RowKey.self)
        Self.check(VariableKey.self)
        Self.check(AnnotationKey.self)
        Self.check(LinkKey.self)
        Self.check(PanelKey.self)
        Self.check(QueryKey.self)
        Self.check(TransformationKey.self)
        Self.check(ColorKey.self)
        Self.check(ThresholdStepKey.self)
        Self.check(OverrideKey.self)
        Self.check(LegendKey.self)
        Self.check(TooltipKey.self)
        Self.check(SortByKey.self)
    }

    /// Each panel type accepts the common keys, the field options and its own options, in that order.
    @Test func panelSchemasListTheirKeys() {
        for type in PanelType.allCases {
            var keys = YAMLSpecLoader.commonPanelKeys + YAMLSpecLoader.fieldKeys + PanelOptions.keys(for: type)
            if type == .text { keys.removeAll { $0 == "queries" } }
            let schema = YAMLSpecLoader.schema(of: type)
            #expect(schema.allowed.names == keys)
            #expect(schema.what == "a \(type.rawValue) panel")
        }
    }

    /// Numbers read without the general parsers are those `Int(text)` and `Double(text)` give: signs, leading
    /// zeros, `-0`, fractions, 15 and 16 digits, and texts the general parsers read otherwise or not at all.
    @Test(arguments: [
        "0", "-0", "+0", "007", "-007", "+5", "-", "+", "", ".", "5.", ".5", "-.5", "+.5", "1.5", "-1.50", "0.1",
        "1e3", "1E3", "0x10", "1_000", "1,5", "1.2.3", "--1", "+-1", " 1", "1 ", "٣", "999999999999999",
        "-999999999999999", "9999999999999999", "1234567890123456", "0.000000000000001", "0.0000000000000001",
        "123456789012345.0", "12345678901234.5", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "0.30000000000000004", "1e400", "nan", "inf", ".inf",
    ])
    func plainNumbersReadAsTheGeneralParsersReadThem(_ text: String) {
        #expect(ReadContext.parseInt(text) == Int(text))
        var general = Double(text)
        if let value = general, !value.isFinite { general = nil }
        if let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
                || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            text != ".inf"
        {
            #expect(ReadContext.parseNumber(text)?.bitPattern == general?.bitPattern)
        }
    }
}
