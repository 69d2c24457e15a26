// The keys of the mappings a dashboard spec is made of, one enum per kind of mapping. Each names its keys in
// the order that an unknown key's message lists them; the cases follow the names (a test checks them).

enum DocumentKey: Int, MappingKey {
    case apiVersion, kind, metadata, spec
    static let keyList = KeyList(["apiVersion", "kind", "metadata", "spec"])
    static let allowed = AllowedKeys<Self>()
}

enum MetadataKey: Int, MappingKey {
    case uid, title, folder, tags, description
    static let keyList = KeyList(["uid", "title", "folder", "tags", "description"])
    static let allowed = AllowedKeys<Self>()
}

enum DashboardKey: Int, MappingKey {
    case backend, datasource, time, refresh, timezone, weekStart, graphTooltip, editable, liveNow
    case refreshIntervals, variables, annotations, links, panels, rows, recordingRules, datasources
    case exemplars, grafana
    static let keyList = KeyList([
        "backend", "datasource", "time", "refresh", "timezone", "weekStart", "graphTooltip", "editable", "liveNow",
        "refreshIntervals", "variables", "annotations", "links", "panels", "rows", "recordingRules", "datasources",
        "exemplars", "grafana",
    ])
    static let allowed = AllowedKeys<Self>()
}

enum TimeKey: Int, MappingKey {
    case from, to
    static let keyList = KeyList(["from", "to"])
    static let allowed = AllowedKeys<Self>()
}

enum RowKey: Int, MappingKey {
    case title, key, id, collapsed, `repeat`, panels, grafana
    static let keyList = KeyList(["title", "key", "id", "collapsed", "repeat", "panels", "grafana"])
    static let allowed = AllowedKeys<Self>()
}

enum VariableKey: Int, MappingKey {
    case name, label, description, hide
    case query, regex, current, datasource, multi, includeAll, allValue, refresh, sort, values, auto, value
    static let keyList = KeyList([
        "name", "label", "description", "hide", "query", "regex", "current", "datasource", "multi", "includeAll",
        "allValue", "refresh", "sort", "values", "auto", "value",
    ])

    /// What a variable of each kind accepts.
    static func allowed(for kind: VariableSpec.Kind) -> AllowedKeys<Self> {
        switch kind {
        case .datasource: datasourceKeys
        case .query: queryKeys
        case .custom: customKeys
        case .interval: intervalKeys
        case .constant, .textbox: valueKeys
        }
    }

    private static let common = ["name", "label", "description", "hide"]
    private static let datasourceKeys = AllowedKeys<Self>(common + ["query", "regex", "current"])
    private static let queryKeys = AllowedKeys<Self>(
        common + ["query", "datasource", "multi", "includeAll", "allValue", "refresh", "sort", "regex", "current"])
    private static let customKeys = AllowedKeys<Self>(
        common + ["values", "current", "multi", "includeAll", "allValue"])
    private static let intervalKeys = AllowedKeys<Self>(common + ["values", "current", "auto"])
    private static let valueKeys = AllowedKeys<Self>(common + ["value"])
}

enum AnnotationKey: Int, MappingKey {
    case name, expr, datasource, iconColor, enable, hide, step, titleFormat, textFormat, tagKeys, useValueForTime
    static let keyList = KeyList([
        "name", "expr", "datasource", "iconColor", "enable", "hide", "step", "titleFormat", "textFormat", "tagKeys",
        "useValueForTime",
    ])
    static let allowed = AllowedKeys<Self>()
}

enum LinkKey: Int, MappingKey {
    case title, url, tooltip, icon, targetBlank, includeVars, keepTime, tags, asDropdown
    static let keyList = KeyList([
        "title", "url", "tooltip", "icon", "targetBlank", "includeVars", "keepTime", "tags", "asDropdown",
    ])
    /// A dashboard link's keys; a panel's or a data link's lack `tags` and `asDropdown`.
    static let dashboardLink = AllowedKeys<Self>()
    static let panelLink = AllowedKeys<Self>([
        "title", "url", "tooltip", "icon", "targetBlank", "includeVars", "keepTime",
    ])
}

/// Every key of a panel of a modelled type: the common ones, the field options, then each type's options.
enum PanelKey: Int, MappingKey {
    // Common.
    case key, id, title, description, width, height, newLine, datasource, queries, transformations
    case interval, maxDataPoints, timeFrom, timeShift, hideTimeOverride, transparent, `repeat`
    case repeatDirection, maxPerRow, links, recordingRules, grafana
    // Field options.
    case unit, decimals, min, max, displayName, noValue, color, thresholds, thresholdsMode
    case mappings, overrides, dataLinks
    // Options.
    case legend, tooltip
    case drawStyle, lineWidth, fillOpacity, gradientMode, lineInterpolation, showPoints, pointSize
    case spanNulls, stacking, axisLabel, axisPlacement, axisSoftMin, axisSoftMax, logScale, thresholdsStyle
    case calcs, fields, allValues, limit, orientation
    case colorMode, graphMode, textMode, justifyMode, wideLayout, showPercentChange
    case showThresholdMarkers, showThresholdLabels
    case displayMode, valueMode, namePlacement, showUnfilled
    case showHeader, cellHeight, cellType, align, sortBy, footer
    case calculate, colorScheme, colorScale, colorExponent, colorSteps, cellGap, rowsLayout
    case yAxisUnit, yHistogram, showLegend, exemplarColor
    case showValue, rowHeight, mergeValues, alignValue
    case mode, content, codeLanguage

    /// The common keys, the field options, then every type's options in the order of `PanelType.allCases`.
    static let keyList: KeyList = {
        var names = YAMLSpecLoader.commonPanelKeys + YAMLSpecLoader.fieldKeys
        for type in PanelType.allCases {
            for key in PanelOptions.keys(for: type) where !names.contains(key) { names.append(key) }
        }
        return KeyList(names)
    }()

    /// The words of each key with a fixed vocabulary (`OptionVocabulary.choices`), by raw value.
    static let vocabulary: [[String]] = keyList.names.map { OptionVocabulary.choices[$0] ?? [] }

    /// The vocabulary of the key.
    var choices: [String] { Self.vocabulary[rawValue] }
}

extension KeyedMappingReader where Key == PanelKey {
    /// One of the words of the key's vocabulary.
    @inline(__always) func choice(_ key: PanelKey) -> String? { choice(key, key.choices) }
}

enum QueryKey: Int, MappingKey {
    case expr, legend, refId, instant, format, interval, exemplar, hide, datasource
    static let keyList = KeyList([
        "expr", "legend", "refId", "instant", "format", "interval", "exemplar", "hide", "datasource",
    ])
    static let allowed = AllowedKeys<Self>()
}

enum TransformationKey: Int, MappingKey {
    case id, options
    static let keyList = KeyList(["id", "options"])
    static let allowed = AllowedKeys<Self>()
}

enum ColorKey: Int, MappingKey {
    case mode, fixed, fixedColor, seriesBy
    static let keyList = KeyList(["mode", "fixed", "fixedColor", "seriesBy"])
    static let allowed = AllowedKeys<Self>()
}

enum ThresholdStepKey: Int, MappingKey {
    case color, value
    static let keyList = KeyList(["color", "value"])
    static let allowed = AllowedKeys<Self>()
}

enum OverrideKey: Int, MappingKey {
    case match, set
    static let keyList = KeyList(["match", "set"])
    static let allowed = AllowedKeys<Self>()
}

enum LegendKey: Int, MappingKey {
    case mode, placement, calcs
    static let keyList = KeyList(["mode", "placement", "calcs"])
    static let allowed = AllowedKeys<Self>()
}

enum TooltipKey: Int, MappingKey {
    case mode, sort
    static let keyList = KeyList(["mode", "sort"])
    static let allowed = AllowedKeys<Self>()
}

enum SortByKey: Int, MappingKey {
    case field, desc
    static let keyList = KeyList(["field", "desc"])
    static let allowed = AllowedKeys<Self>()
}
