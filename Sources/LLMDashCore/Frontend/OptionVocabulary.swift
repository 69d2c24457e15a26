/// The words each enumerated option accepts, shared by the YAML reader and by validation of DSL input.
public enum OptionVocabulary {
    public static let choices: [String: [String]] = [
        "drawStyle": ["line", "bars", "points"],
        "gradientMode": ["none", "opacity", "hue", "scheme"],
        "lineInterpolation": ["linear", "smooth", "stepBefore", "stepAfter"],
        "showPoints": ["auto", "never", "always"],
        "stacking": ["none", "normal", "percent"],
        "axisPlacement": ["auto", "left", "right", "hidden"],
        "thresholdsStyle": ["off", "line", "dashed", "area", "line+area", "dashed+area", "series"],
        "colorMode": ["value", "background", "background_solid", "none"],
        "graphMode": ["none", "line", "area"],
        "textMode": ["auto", "value", "value_and_name", "name", "none"],
        "justifyMode": ["auto", "center"],
        "orientation": ["auto", "vertical", "horizontal"],
        "displayMode": ["basic", "lcd", "gradient"],
        "valueMode": ["color", "text", "hidden"],
        "namePlacement": ["auto", "top", "left", "hidden"],
        "cellHeight": ["sm", "md", "lg", "auto"],
        "cellType": [
            "auto", "color-text", "color-background", "gauge", "data-links", "json-view", "image", "sparkline",
        ],
        "align": ["auto", "left", "center", "right"],
        "colorScale": ["linear", "exponential"],
        "rowsLayout": ["le", "ge", "auto"],
        "showValue": ["auto", "never", "always"],
        "alignValue": ["left", "center", "right"],
        "mode": ["markdown", "html", "code"],
        "legend.mode": ["list", "table", "hidden"],
        "legend.placement": ["bottom", "right"],
        "tooltip.mode": ["single", "multi", "none"],
        "tooltip.sort": ["none", "asc", "desc"],
        "repeatDirection": ["h", "v"],
        "colorScheme": [
            "Blues", "Greens", "Greys", "Oranges", "Purples", "Reds", "Turbo", "Cividis", "Viridis", "Magma",
            "Inferno", "Plasma", "Warm", "Cool", "Cubehelix", "BuGn", "BuPu", "GnBu", "OrRd", "PuBuGn", "PuBu",
            "PuRd", "RdPu", "YlGnBu", "YlGn", "YlOrBr", "YlOrRd", "Spectral", "RdYlGn", "RdYlBu", "RdBu",
        ],
    ]

    /// Grafana's reducer ids, for `calcs`, legend calcs and table footers.
    public static let reducers = [
        "lastNotNull", "last", "firstNotNull", "first", "mean", "max", "min", "sum", "count", "range", "delta",
        "step", "diff", "logmin", "allIsZero", "allIsNull", "changeCount", "distinctCount", "diffperc", "allValues",
        "uniqueValues", "median", "variance", "stdDev", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
    ]
}
