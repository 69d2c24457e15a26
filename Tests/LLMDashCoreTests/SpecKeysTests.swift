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
}
