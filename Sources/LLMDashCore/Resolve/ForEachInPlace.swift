extension Array {
    /// Calls `body` with a pointer to each element in turn, valid only during the call. Reading a few
    /// properties through it (`element.pointee.queries`) copies just those, where iterating the array would
    /// copy each whole element: a panel spec has dozens of fields.
    func forEachInPlace(_ body: (UnsafePointer<Element>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in buffer.indices { try body(base + i) }
        }
    }
}
