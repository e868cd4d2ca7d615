import RentalClient
import RentalProtocol

/// The names people use for centres and item types («Рябинушка», «Кроватка детская»), for tables; with
/// `--codes` (or for `--json`) the codes themselves.
struct Names: Sendable {
    private var centres: [String: String] = [:]
    private var itemTypes: [String: String] = [:]

    /// Codes only.
    static let codes = Names()

    /// Reads the names from the daemon (two small requests, made side by side).
    static func load(_ client: RentalClient) async throws(RentalError) -> Names {
        do {
            async let centres = client.centres()
            async let types = client.itemTypes()
            var names = Names()
            names.centres = Dictionary(try await centres.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            names.itemTypes = Dictionary(try await types.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
            return names
        } catch let error as RentalError {
            throw error
        } catch {
            throw RentalError(.protocolError, "\(error)")
        }
    }

    /// The centre's name, or its code when it has none here.
    func centre(_ code: String) -> String { centres[code] ?? code }

    /// The item type's name, or its code when it has none here.
    func itemType(_ code: String) -> String { itemTypes[code] ?? code }
}

extension GlobalOptions {
    /// Names for a table: from the daemon, or the codes with `--codes` or `--json`.
    func names() async throws(RentalError) -> Names {
        codes || json ? .codes : try await Names.load(client)
    }
}
