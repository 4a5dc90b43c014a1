package me.mixpay.gateway.proxy;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

import me.mixpay.gateway.envelope.GatewayError;

/**
 * Buffers a reply body like {@code BodyCodec.buffer()}, but fails as soon as it grows past a limit,
 * so a runaway upstream cannot make the gateway hold an unbounded body in memory.
 */
final class BoundedBodyCodec implements BodyCodec<Buffer> {

    private final long maxBytes;

    BoundedBodyCodec(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Buffer>>> handler) {
        handler.handle(Future.succeededFuture(new Stream()));
    }

    private final class Stream implements BodyStream<Buffer> {
        private final Buffer body = Buffer.buffer();
        private final Promise<Buffer> result = Promise.promise();

        @Override
        public Future<Buffer> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public Future<Void> write(Buffer chunk) {
            if (body.length() + (long) chunk.length() > maxBytes) {
                // The same exception on both paths: the web client reports the write failure, not ours.
                UpstreamFailure tooLarge = new UpstreamFailure(GatewayError.UPSTREAM_BODY_TOO_LARGE, true,
                        "MixPay's reply is larger than " + maxBytes + " bytes", null);
                result.tryFail(tooLarge);
                return Future.failedFuture(tooLarge);
            }
            body.appendBuffer(chunk);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer chunk, Handler<AsyncResult<Void>> handler) {
            Future<Void> written = write(chunk);
            if (handler != null) {
                handler.handle(written);
            }
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            result.tryComplete(body);
            if (handler != null) {
                handler.handle(Future.succeededFuture());
            }
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
