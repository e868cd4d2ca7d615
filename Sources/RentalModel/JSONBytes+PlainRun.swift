extension JSONBytes {
    /// Room for at most `bound` more bytes, written through the returned run; nothing written there counts
    /// until ``commit(_:)``, so a run that meets a piece it cannot write plainly is simply dropped.
    public mutating func plainRun(upTo bound: Int) -> PlainRun {
        PlainRun(room(bound), bound: bound, escapingSlashes: escapingSlashes)
    }

    /// Counts what `run` wrote (the run must be the last one begun on this buffer).
    public mutating func commit(_ run: PlainRun) {
        advance(run.written)
    }

    /// JSON written straight into room reserved once: for a value whose pieces are almost always plain —
    /// text that needs no escape, a stored date naming a real day, an instant of a four-digit year. A piece
    /// that is not plain makes its method return false and the caller writes the value again with
    /// ``JSONBytes``' general methods, which escape and parse. Writing past the room stops the process
    /// (a bound computed wrong) rather than write beyond it.
    ///
    /// Why: written a key and a value at a time (a capacity check and a call for each, text byte by byte),
    /// the 50,000 loans of the benchmark's overdue listing took 14–15 ms to write, as one run per loan 8–9 ms
    /// (timed in process over the same rows read from the store, alternated, nine rounds each).
    public struct PlainRun {
        @usableFromInline var cursor: UnsafeMutablePointer<UInt8>
        @usableFromInline let end: UnsafeMutablePointer<UInt8>
        private let start: UnsafeMutablePointer<UInt8>
        /// `/` as a byte that needs escaping, or `"` again when slashes are written as they are.
        private let slash: UInt8

        init(_ start: UnsafeMutablePointer<UInt8>, bound: Int, escapingSlashes: Bool) {
            self.start = start
            cursor = start
            end = start + bound
            slash = escapingSlashes ? UInt8(ascii: "/") : UInt8(ascii: "\"")
        }

        /// How many bytes the run has written.
        public var written: Int { cursor - start }

        /// Room for `count` more bytes at the cursor.
        @inlinable
        public mutating func take(_ count: Int) -> UnsafeMutablePointer<UInt8> {
            precondition(count <= end - cursor, "JSONBytes.PlainRun: written past the room reserved")
            defer { cursor += count }
            return cursor
        }

        /// Punctuation, a key or a literal, as it is.
        @inlinable
        public mutating func literal(_ text: StaticString) {
            UnsafeMutableRawPointer(take(text.utf8CodeUnitCount)).copyMemory(from: text.utf8Start, byteCount: text.utf8CodeUnitCount)
        }

        /// `true` or `false`.
        @inlinable
        public mutating func boolean(_ value: Bool) {
            value ? literal("true") : literal("false")
        }

        /// A whole number.
        public mutating func integer(_ value: Int64) {
            // At most 20 digits and a sign, written backwards into a word-aligned scratch of 24 bytes.
            var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &scratch) { digits in
                var first = digits.count
                var magnitude = value.magnitude
                repeat {
                    first -= 1
                    digits[first] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                if value < 0 {
                    first -= 1
                    digits[first] = UInt8(ascii: "-")
                }
                let number = UnsafeRawBufferPointer(rebasing: digits[first...])
                UnsafeMutableRawBufferPointer(start: take(number.count), count: number.count).copyMemory(from: number)
            }
        }

        /// UTF-8 text quoted, when it needs no escape and is valid UTF-8 (what ``JSONBytes/string(utf8:)``
        /// writes for it); false otherwise.
        public mutating func string(utf8 text: UnsafeRawBufferPointer) -> Bool {
            let out = take(text.count + 2)
            out[0] = UInt8(ascii: "\"")
            var high: UInt8 = 0
            var special = false
            if let source = text.baseAddress {
                UnsafeMutableRawPointer(out + 1).copyMemory(from: source, byteCount: text.count)
                // One pass with no early exit: the text is almost always plain.
                for byte in text {
                    high |= byte
                    special = special || byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == slash
                }
            }
            guard !special, high < 0x80 || JSONBytes.isValidUTF8(text) else { return false }
            out[text.count + 1] = UInt8(ascii: "\"")
            return true
        }

        /// A date stored as `YYYY-MM-DD` text, quoted, when it names a real day of the years 0001–9999 (exactly
        /// the texts ``LocalDate/init(utf8:)`` accepts, each of which ``JSONBytes/date(_:)`` writes back
        /// unchanged); false for any other text.
        public mutating func date(utf8 text: UnsafeRawBufferPointer) -> Bool {
            guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-") else { return false }
            var digits = true
            for index in 0..<10 where index != 4 && index != 7 { digits = digits && text[index] &- UInt8(ascii: "0") < 10 }
            guard digits, let source = text.baseAddress else { return false }
            func number(_ from: Int, _ to: Int) -> Int { (from..<to).reduce(0) { $0 * 10 + Int(text[$1] &- UInt8(ascii: "0")) } }
            let year = number(0, 4), month = number(5, 7), day = number(8, 10)
            guard year >= 1, (1...12).contains(month), (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return false }
            let out = take(12)
            out[0] = UInt8(ascii: "\"")
            UnsafeMutableRawPointer(out + 1).copyMemory(from: source, byteCount: 10)
            out[11] = UInt8(ascii: "\"")
            return true
        }
    }
}
