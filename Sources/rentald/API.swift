import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RentalKit
import RentalProtocol

/// The `/v1` API: finds the request's ``Route`` in ``Routes/all``, checks the caller's role against it,
/// runs its handler (a ``RentalStore`` operation as the caller's ``Principal``) and turns the result, or
/// the ``RentalError``, into JSON or a problem body.
struct API: HTTPHandler {
    let store: RentalStore
    let access: AccessControl
    let notices: NoticeService
    let papers: PaperService
    let backupDirectory: String
    let startedAt: Date
    let version: String
    let logger: Logger
    /// `[privacy]` of the configuration.
    var privacy = DaemonConfig.Privacy()
    private let router = Router(Routes.all)

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let caller = access.principal(for: request.peer)
        let principal = caller ?? Principal(name: request.peer.userName, role: .readOnly)
        do {
            var call = try APICall(request, principal: caller)
            let (route, parameters) = try router.route(call.method, call.path)
            guard caller != nil || route.access == .anyone else {
                logger.notice("refused a caller with no role", metadata: ["user": "\(request.peer.userName)", "uid": "\(request.peer.uid)"])
                return problem(RentalError(.forbidden, "user \(request.peer.userName) has no role in rentald; an administrator can add it to [access] in \(RentalPaths.systemConfig)"))
            }
            try route.authorise(principal)
            call.parameters = parameters
            call.success = route.success
            let response = if route.offLoop {
                try await withTaskExecutorPreference(globalConcurrentExecutor) { try await route.handler(self, call) }
            } else {
                try await route.handler(self, call)
            }
            logger.debug("request", metadata: ["method": "\(request.method.rawValue)", "path": "\(call.path.joined(separator: "/"))",
                                               "user": "\(principal.name)", "status": "\(response.status.code)"])
            return response
        } catch {
            let failure = RentalError(mapping: error)
            if failure.code.httpStatus >= 500 {
                logger.error("request failed", metadata: ["code": "\(failure.code.rawValue)", "user": "\(principal.name)"])
            }
            return problem(failure)
        }
    }

    func problem(_ error: RentalError) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: RentalAPI.problemMediaType)
        let body = (try? RentalJSON.encoder().encode(Problem(error))) ?? Data()
        return HTTPResponse(status: HTTPResponseStatus(statusCode: error.code.httpStatus), headers: headers,
                            body: ByteBuffer(bytes: body))
    }
}
