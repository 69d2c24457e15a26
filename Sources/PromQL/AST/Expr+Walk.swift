extension Expr {
    /// The direct sub-expressions, in source order.
    public var children: [Expr] {
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector: []
        case .subquery(let s): [s.expr]
        case .call(let c): c.args
        case .aggregation(let a): a.param.map { [$0, a.expr] } ?? [a.expr]
        case .binary(let b): [b.lhs, b.rhs]
        case .unary(let u): [u.expr]
        case .paren(let p): [p.expr]
        }
    }

    /// Visits this expression and every sub-expression, parents before children, in source order.
    public func walk(_ visit: (Expr) throws -> Void) rethrows {
        try visit(self)
        switch self {
        case .number, .string, .vectorSelector, .matrixSelector:
            return
        default:
            for child in children { try child.walk(visit) }
        }
    }

    /// Visits every node with its ancestors (outermost first); return false to skip a node's children.
    public func walk(withAncestors visit: (_ node: Expr, _ ancestors: [Expr]) throws -> Bool) rethrows {
        var ancestors: [Expr] = []
        try walk(ancestors: &ancestors, visit)
    }

    private func walk(ancestors: inout [Expr], _ visit: (Expr, [Expr]) throws -> Bool) rethrows {
        guard try visit(self, ancestors) else { return }
        let kids = children
        if kids.isEmpty { return }
        ancestors.append(self)
        for kid in kids { try kid.walk(ancestors: &ancestors, visit) }
        ancestors.removeLast()
    }

    /// The expression without enclosing parentheses.
    public var unparenthesized: Expr {
        var e = self
        while case .paren(let p) = e { e = p.expr }
        return e
    }

    /// Every vector selector, including those inside range selectors, in source order.
    public var vectorSelectors: [VectorSelector] {
        var out: [VectorSelector] = []
        walk { node in
            switch node {
            case .vectorSelector(let vs): out.append(vs)
            case .matrixSelector(let m): out.append(m.selector)
            default: break
            }
        }
        return out
    }

    /// Every range selector, in source order.
    public var matrixSelectors: [MatrixSelector] {
        var out: [MatrixSelector] = []
        walk { node in
            if case .matrixSelector(let m) = node { out.append(m) }
        }
        return out
    }

    /// Every function call, outermost first.
    public var functionCalls: [FunctionCall] {
        var out: [FunctionCall] = []
        walk { node in
            if case .call(let c) = node { out.append(c) }
        }
        return out
    }

    /// Every aggregation, outermost first.
    public var aggregations: [Aggregation] {
        var out: [Aggregation] = []
        walk { node in
            if case .aggregation(let a) = node { out.append(a) }
        }
        return out
    }

    /// Every subquery, outermost first.
    public var subqueries: [SubqueryExpr] {
        var out: [SubqueryExpr] = []
        walk { node in
            if case .subquery(let s) = node { out.append(s) }
        }
        return out
    }

    /// The metric names the expression selects (from names and `__name__` equality matchers), in order.
    public var metricNames: [String] {
        vectorSelectors.compactMap(\.name)
    }
}
