import Foundation
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// A request taken apart for routing: path segments under `/v1`, query items, body, caller.
struct APICall {
    let method: HTTPMethod
    let path: [String]
    let query: [String: String]
    let headers: HTTPHeaders
    let bodyBytes: ByteBuffer
    let principal: Principal
    /// The configuration gives the caller no role: `principal` is a read-only stand-in, and only routes open
    /// to ``Route/Access/anyone`` are run.
    let hasNoRole: Bool

    /// The `:name` segments of the route's pattern, filled in by the router.
    var parameters: [String: String] = [:]
    /// The route's status for a success.
    var success: HTTPResponseStatus = .ok

    init(_ request: HTTPRequest, principal: Principal?) throws(RentalError) {
        guard let components = URLComponents(string: request.uri), components.percentEncodedPath.hasPrefix(RentalAPI.basePath + "/")
                || components.percentEncodedPath == RentalAPI.basePath else {
            throw RentalError(.routeNotFound, "paths start with \(RentalAPI.basePath)/")
        }
        method = request.method
        // Split before decoding: an inventory number may contain an encoded '/'.
        var segments: [String] = []
        for raw in components.percentEncodedPath.dropFirst(RentalAPI.basePath.count).split(separator: "/") {
            guard let segment = String(raw).removingPercentEncoding else {
                throw RentalError(.malformedRequest, "the path is not valid percent-encoded UTF-8")
            }
            segments.append(segment)
        }
        path = segments
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw RentalError(.invalidInput, "\(item.name): given twice") }
            query[item.name] = item.value ?? ""
        }
        self.query = query
        headers = request.headers
        bodyBytes = request.body
        self.principal = principal ?? Principal(name: request.peer.userName, role: .readOnly)
        hasNoRole = principal == nil
    }

    /// A path parameter of the route (`call["id"]` for `loans/:id/renew`).
    subscript(_ name: String) -> String {
        parameters[name] ?? ""
    }

    /// Decodes the JSON body.
    func body<T: Decodable>(_ type: T.Type) throws(RentalError) -> T {
        guard let value = try optionalBody(type) else { throw RentalError(.invalidInput, "a JSON body is required") }
        return value
    }

    /// Decodes the JSON body, or nil when there is none.
    func optionalBody<T: Decodable>(_ type: T.Type) throws(RentalError) -> T? {
        guard bodyBytes.readableBytes > 0 else { return nil }
        let contentType = headers.first(name: "content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == "application/json" else {
            throw RentalError(.unsupportedMediaType, "send the body as application/json")
        }
        let data = Data(bodyBytes.readableBytesView)
        do {
            return try RentalJSON.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw RentalError(.malformedRequest, "the body is not valid JSON")
        }
    }

    /// A decoding failure in words, naming the field (never the value).
    static func describe(_ error: DecodingError) -> RentalError {
        func field(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "body" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath + [key])): required")
        case .typeMismatch(let type, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath)): expected \(Self.typeName(type))")
        case .valueNotFound(let type, let context):
            return RentalError(.invalidInput, "\(field(context.codingPath)): expected \(Self.typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return RentalError(.malformedRequest, "the body is not valid JSON") }
            // The protocol's own decoders say what they expect ("expected a date as YYYY-MM-DD");
            // Foundation's messages for enumerations repeat the value, which may be personal data.
            let reason = context.debugDescription.hasPrefix("expected ") ? context.debugDescription : "not a valid value"
            return RentalError(.invalidInput, "\(field(context.codingPath)): \(reason)")
        @unknown default:
            return RentalError(.invalidInput, "the body does not match the expected shape")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "another type"
        }
    }

    /// A numeric id from a path segment or query value (`field` names it in the error).
    func id(_ text: String, field: String = "id") throws(RentalError) -> Int64 {
        guard let value = Int64(text), value > 0 else { throw RentalError(.invalidInput, "\(field): must be a positive whole number") }
        return value
    }

    /// A required query item.
    func required(_ name: String) throws(RentalError) -> String {
        guard let value = query[name], !value.isEmpty else { throw RentalError(.invalidInput, "\(name): required") }
        return value
    }

    /// `limit`, 1…`max`.
    func limit(default fallback: Int = 100, max: Int = 1000) throws(RentalError) -> Int {
        guard let text = query["limit"] else { return fallback }
        guard let value = Int(text), (1...max).contains(value) else {
            throw RentalError(.invalidInput, "limit: must be between 1 and \(max)")
        }
        return value
    }

    /// A `true`/`false` query item.
    func boolQuery(_ name: String) throws(RentalError) -> Bool? {
        switch query[name] {
        case nil: return nil
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default: throw RentalError(.invalidInput, "\(name): must be true or false")
        }
    }

    /// A `YYYY-MM-DD` query item.
    func dateQuery(_ name: String) throws(RentalError) -> LocalDate? {
        guard let text = query[name] else { return nil }
        guard let date = LocalDate(text) else { throw RentalError(.invalidInput, "\(name): must be a date as YYYY-MM-DD") }
        return date
    }

    /// A query item that must be one of an enumeration's raw values.
    func enumQuery<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws(RentalError) -> E? where E.RawValue == String {
        guard let text = query[name] else { return nil }
        guard let value = E(rawValue: text) else {
            throw RentalError(.invalidInput, "\(name): must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A JSON response.
    func json<T: Encodable>(_ value: T) throws -> HTTPResponse {
        HTTPResponse(status: success, headers: Self.jsonHeaders, body: ByteBuffer(bytes: try RentalJSON.encoder().encode(value)))
    }

    /// A JSON response written by ``JSONBytes`` (a loan, a return receipt: the answers sent most; pages of
    /// the loan listing are written by ``LoanPage`` from the rows and sent by ``json(page:)``).
    func json<T: JSONBytesEncodable>(_ value: T) -> HTTPResponse {
        var json = JSONBytes()
        value.write(to: &json)
        return HTTPResponse(status: success, headers: Self.jsonHeaders, body: json.withBytes { ByteBuffer(bytes: $0) })
    }

    /// A JSON response already written.
    func json(page: ByteBuffer) -> HTTPResponse {
        HTTPResponse(status: success, headers: Self.jsonHeaders, body: page)
    }

    private static var jsonHeaders: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        return headers
    }

    /// 204 (the route's success status).
    func noContent() -> HTTPResponse {
        HTTPResponse(status: .noContent, headers: HTTPHeaders(), body: ByteBuffer())
    }
}
