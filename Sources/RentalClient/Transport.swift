#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import RentalProtocol

/// An answer as it came from the daemon, before decoding.
struct RawResponse: Sendable {
    /// The HTTP status.
    let status: Int
    /// The `content-type` header.
    let contentType: String?
    /// The body.
    let body: Data
    /// Whether the daemon keeps the connection open after this answer.
    var keepAlive = false
}

/// How requests reach the daemon: a Unix socket on this machine, or ssh's pipes to a bridge on another.
protocol RentalTransport: Sendable {
    /// Whether the connection stays open after an answer (HTTP keep-alive); else each request says
    /// `connection: close`.
    var keepsConnection: Bool { get }
    /// Sends one request and reads its answer within `timeout`.
    func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration) async throws(RentalError) -> RawResponse
    /// Closes what the transport holds open (an ssh session), waiting for it to end.
    func close() async
}

extension RentalTransport {
    func close() async {}
}

/// A transport that refuses every request with the same error (a host name that does not parse).
struct FailingTransport: RentalTransport {
    let error: RentalError
    var keepsConnection: Bool { false }

    func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration) async throws(RentalError) -> RawResponse {
        throw error
    }
}

/// One request on a connection that may carry several: the head, the body and the promise of the answer.
struct HTTPExchange: Sendable {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let answer: EventLoopPromise<RawResponse>
}

/// Why an exchange on a kept-alive connection got no answer.
enum ExchangeFailure: Error {
    /// The connection ended before the answer was complete.
    case closed
    /// No answer within the request's deadline; the connection was closed.
    case timedOut
}

/// Writes each ``HTTPExchange`` as request parts and completes its promise with the answer. Answers come
/// in the order of the requests (HTTP/1.1), so a queue of promises matches them up; when the connection
/// ends or fails, every waiting exchange fails.
final class HTTPExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPExchange
    typealias OutboundOut = HTTPClientRequestPart

    private var waiting = CircularBuffer<EventLoopPromise<RawResponse>>()
    private var status = 0
    private var contentType: String?
    private var keepAlive = false
    private var body = Data()
    private var failure: (any Error)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let exchange = unwrapOutboundIn(data)
        if let failure {
            exchange.answer.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append(exchange.answer)
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        if exchange.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            contentType = head.headers.first(name: "content-type")
            keepAlive = head.isKeepAlive
            body = Data()
        case .body(let chunk):
            body.append(contentsOf: chunk.readableBytesView)
        case .end:
            let answer = RawResponse(status: status, contentType: contentType, body: body, keepAlive: keepAlive)
            body = Data()
            waiting.popFirst()?.succeed(answer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(ExchangeFailure.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(error)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The far side closed its output (the bridge saw the daemon close): no answer can come any more.
        if event as? ChannelEvent == .inputClosed {
            failAll(ExchangeFailure.closed)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func failAll(_ error: any Error) {
        if failure == nil { failure = error }
        while let next = waiting.popFirst() { next.fail(error) }
    }
}
