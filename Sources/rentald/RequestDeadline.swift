import NIOCore
import NIOHTTP1

/// Closes a connection whose next request does not arrive in full within the time allowed.
///
/// The clock starts when the connection is ready for a request — opened, or its previous answer sent —
/// and stops when the request's last byte has arrived; time spent answering does not count. A silent
/// connection and one that trickles a byte now and then (a "slowloris", which a plain read-idle timer would
/// keep alive forever) are closed alike, so no client can hold a connection slot without sending requests.
final class RequestDeadline: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    /// When the awaited request must be complete; nil while a request is being answered.
    private var deadline: NIODeadline?
    /// The one pending timer. It is not moved on every request (scheduling and cancelling a timer per
    /// request costs more than the rest of this handler): when it fires early it re-arms for the deadline.
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { deadline = nil }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { start(context) }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + timeout
        self.deadline = deadline
        if timer == nil { arm(context, at: deadline) }
    }

    private func arm(_ context: ChannelHandlerContext, at when: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: when) {
            self.timer = nil
            guard let deadline = self.deadline else { return }  // answering: the answer's end re-arms it
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                self.arm(context, at: deadline)
            }
        }
    }

    private func cancel() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
