import Foundation
import Testing
import Yams

/// The route table (`rentald --routes`) against the OpenAPI document: every documented operation has a
/// route and every route an operation, with the same `operationId`, role (`x-rentald-role`) and success
/// status. A new endpoint that misses one of the three fails here, naming what is missing.
@Suite("Contract: routes and the OpenAPI document")
struct ContractTests {
    /// One operation of the document.
    struct Operation: Hashable {
        let key: String
        let operationId: String?
        let role: String?
        let successes: Set<Int>
    }

    static func operations() throws -> [Operation] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("openapi/rentald.openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: [Operation] = []
        for (path, item) in paths {
            for (method, value) in (item as? [String: Any]) ?? [:] where ["get", "post", "put", "patch", "delete"].contains(method) {
                let operation = value as? [String: Any] ?? [:]
                let statuses = (operation["responses"] as? [AnyHashable: Any] ?? [:]).keys.compactMap { Int("\($0)") }
                operations.append(Operation(key: "\(method.uppercased()) \(path)", operationId: operation["operationId"] as? String,
                                            role: operation["x-rentald-role"] as? String,
                                            successes: Set(statuses.filter { (200..<300).contains($0) })))
            }
        }
        return operations
    }

    @Test("every operation has a route and every route an operation")
    func sameOperations() async throws {
        let routes = try await RouteEntry.load()
        let operations = try Self.operations()
        #expect(routes.count >= 40, "rentald --routes printed the table: \(routes.count) routes")
        #expect(Set(routes.map(\.operationId)).count == routes.count, "operationIds in the route table are unique")
        let documented = Set(operations.map(\.key)), routed = Set(routes.map(\.key))
        #expect(documented.subtracting(routed).isEmpty, "documented operations with no route: \(documented.subtracting(routed).sorted())")
        #expect(routed.subtracting(documented).isEmpty, "routes with no operation in openapi/rentald.openapi.yaml: \(routed.subtracting(documented).sorted())")
    }

    @Test("each route and its operation agree on operationId, role and success status")
    func sameDetails() async throws {
        let operations = Dictionary(try Self.operations().map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for route in try await RouteEntry.load() {
            guard let operation = operations[route.key] else { continue }  // reported by sameOperations
            #expect(operation.operationId == route.operationId, "\(route.key): operationId \(operation.operationId ?? "none") in the document, \(route.operationId) in the table")
            #expect(operation.role == route.access, "\(route.key): x-rentald-role \(operation.role ?? "none") in the document, \(route.access) in the table")
            #expect(operation.successes == [route.success], "\(route.key): success statuses \(operation.successes.sorted()) in the document, \(route.success) in the table")
        }
    }
}
