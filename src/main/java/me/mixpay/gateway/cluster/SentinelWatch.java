package me.mixpay.gateway.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Asks the sentinels which node is the primary, each in turn until one answers.
 * <p>
 * The gateway asks them itself rather than through Vert.x' sentinel client: that client connects to the
 * primary with the sentinel's own credentials, and a platform's sentinels and nodes often have different
 * passwords (the Bitnami chart's default). Asking on every heartbeat follows a failover within one.
 */
final class SentinelWatch {

    /** Where the primary is, as the sentinels announce it. */
    record Primary(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Vertx vertx;
    private final List<Redis> sentinels = new ArrayList<>();
    private final String masterName;
    private final long timeoutMillis;
    private int next;

    SentinelWatch(Vertx vertx, RedisSettings settings) {
        this.vertx = vertx;
        this.masterName = settings.masterName();
        this.timeoutMillis = settings.timeoutMillis();
        settings.sentinels().forEach(url -> sentinels.add(Redis.createClient(vertx, settings.sentinelOptions(url))));
    }

    /** The primary, from the first sentinel that answers; starts with the one that answered last. */
    Future<Primary> ask() {
        return ask(next, sentinels.size());
    }

    private Future<Primary> ask(int index, int left) {
        if (left == 0) {
            return Future.failedFuture("no sentinel answered for '" + masterName + "'");
        }
        int which = index % sentinels.size();
        return bounded(sentinels.get(which).send(Request.cmd(Command.SENTINEL).arg("get-master-addr-by-name").arg(masterName)))
                .compose(reply -> {
                    if (reply == null || reply.size() < 2) {
                        return Future.failedFuture("sentinels do not know '" + masterName + "'");
                    }
                    next = which;
                    return Future.succeededFuture(new Primary(reply.get(0).toString(), reply.get(1).toInteger()));
                })
                .recover(failed -> ask(which + 1, left - 1));
    }

    private <T> Future<T> bounded(Future<T> command) {
        Promise<T> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, fired -> result.tryFail(new TimeoutException("sentinel did not answer")));
        command.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                result.tryComplete(done.result());
            } else {
                result.tryFail(done.cause());
            }
        });
        return result.future();
    }

    void close() {
        sentinels.forEach(Redis::close);
    }
}
