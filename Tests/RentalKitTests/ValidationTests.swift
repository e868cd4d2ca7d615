import Testing
@testable import RentalKit

@Suite("Input validation")
struct ValidationTests {
    @Test("the shortcut for identifiers already in normal form answers as the full normalisation does")
    func identifierShortcut() {
        let pieces = ["F", "-", "2026", "/", ".", "a", "z", "Z", " ", "\t", "Ё", "ё", "е\u{308}", "ИНВ", "_", "é", "7", ""]
        var random = SplitMix64(seed: 5)
        for length in 0..<4_000 {
            var text = ""
            for _ in 0..<(length % 45) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            let fast = Result { () throws(RentalError) -> String in try Validate.identifier(text, field: "unit") }
            let full = Result { () throws(RentalError) -> String in try Validate.normalIdentifier(text, field: "unit") }
            #expect(fast == full, "\(text.debugDescription)")
        }
    }
}
