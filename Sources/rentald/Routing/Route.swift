import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// One operation of the API: method, path pattern, OpenAPI `operationId`, the role it needs, the status it
/// answers with on success, and the handler. ``Routes/all`` lists every route; the router dispatches by it,
/// the access check reads `access` from it, and `rentald --routes` prints it for the contract tests.
struct Route: Sendable {
    /// Who may call an operation. The router checks the role; for ``circulation`` the store also checks that
    /// the caller is staff of the centre the operation acts at (only the store knows that centre).
    enum Access: String, Sendable, CaseIterable {
        /// Any caller that can open the socket, even one the configuration gives no role (health: whether
        /// the daemon and its store answer, and who the caller is; nothing of the store's contents).
        case anyone
        /// Any caller with a role.
        case read
        /// Staff of any centre, or an administrator (families belong to no single centre).
        case write
        /// An administrator, or staff of the centre the operation acts at.
        case circulation
        /// An administrator.
        case admin
    }

    /// The handler: the daemon's API context and the call, with its path parameters.
    typealias Handler = @Sendable (API, APICall) async throws -> HTTPResponse

    let method: HTTPMethod
    /// Segments under `/v1`, `:name` for a parameter (`loans/:id/renew`).
    let pattern: String
    let operationId: String
    let access: Access
    let success: HTTPResponseStatus
    let handler: Handler
    /// The pattern's segments, split once.
    let segments: [Substring]
    /// Whether the handler may run long (a report, a register, a paper, a backup): it then runs on Swift's
    /// global executor instead of its connection's event loop (``EventLoopExecutor``).
    private(set) var offLoop = false

    init(_ method: HTTPMethod, _ pattern: String, _ operationId: String, _ access: Access,
         success: HTTPResponseStatus = .ok, _ handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern
        self.operationId = operationId
        self.access = access
        self.success = success
        self.handler = handler
        segments = pattern.split(separator: "/")
    }

    /// This route, run off the event loop.
    func runningOffLoop() -> Route {
        var route = self
        route.offLoop = true
        return route
    }

    /// The path parameters when `path` fits the pattern, else nil.
    func parameters(_ path: [String]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var values: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            if segment.first == ":" {
                values[String(segment.dropFirst())] = part
            } else if segment != part {
                return nil
            }
        }
        return values
    }

    /// Refuses a principal whose role does not allow the operation at all.
    func authorise(_ principal: Principal) throws(RentalError) {
        let what = "\(method.rawValue) \(RentalAPI.basePath)/\(pattern)"
        switch access {
        case .anyone, .read: return
        case .write, .circulation: try principal.requireWrite(what)
        case .admin: try principal.requireAdmin(what)
        }
    }
}

extension Route: CustomStringConvertible {
    /// One JSON line: `{"method":"POST","path":"/v1/loans/{id}/renew","operationId":"renewLoan","access":"circulation","success":200}`
    /// (what `rentald --routes` prints for the contract tests; patterns hold only ASCII letters, digits,
    /// '-', '/' and ':').
    var description: String {
        let path = RentalAPI.basePath + "/" + segments.map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        return #"{"method":"\#(method.rawValue)","path":"\#(path)","operationId":"\#(operationId)","access":"\#(access.rawValue)","success":\#(success.code)}"#
    }
}

/// Finds the route of a call: by first path segment, then method and the rest of the pattern.
struct Router: Sendable {
    private let byFirstSegment: [String: [Route]]

    init(_ routes: [Route]) {
        // Within a group, fixed segments before parameters: `units/labels` wins over `units/:number`.
        byFirstSegment = Dictionary(grouping: routes) { String($0.segments.first ?? "") }
            .mapValues { group in
                group.enumerated().sorted { a, b in
                    let pa = a.element.segments.count { $0.first == ":" }, pb = b.element.segments.count { $0.first == ":" }
                    return pa != pb ? pa < pb : a.offset < b.offset
                }.map(\.element)
            }
    }

    /// The route and its path parameters, or the error for a path no route takes. The error does not
    /// repeat the path: a client may have put a name or a phone number where a reference belongs.
    func route(_ method: HTTPMethod, _ path: [String]) throws(RentalError) -> (Route, [String: String]) {
        guard let first = path.first, let candidates = byFirstSegment[first] else {
            throw RentalError(.routeNotFound, "no such path in the API")
        }
        for route in candidates where route.method == method {
            if let parameters = route.parameters(path) { return (route, parameters) }
        }
        if path.count <= 4 {
            throw RentalError(.methodNotAllowed, "\(method.rawValue) is not allowed on this path under \(RentalAPI.basePath)/\(first)")
        }
        throw RentalError(.routeNotFound, "no such path under \(RentalAPI.basePath)/\(first)")
    }
}
