package me.mixpay.gateway.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * The benchmark's ceiling: the thinnest reverse proxy the gateway's own stack can be. Vert.x core, the
 * same version and the same number of event loops as in the gateway, a pooled keep-alive client, the
 * body relayed whole, and nothing else: no policies, no inspection, no metrics, no log. What this reaches
 * against nginx in the same run ({@code bench/run.sh --ceiling}) is the most any Vert.x gateway can
 * reach on the machine, so it is the yardstick for the gateway's own overhead, not a product.
 * <p>
 * Arguments: listen port, upstream port, and optionally {@code shared} for one connection pool shared by
 * all event loops instead of one per loop (the comparison behind the gateway's {@code EventLoopClients}),
 * or {@code webclient} to call the upstream through the Mutiny Vert.x Web Client, as the gateway must,
 * instead of the core HTTP client: the ceiling of the stack the gateway is built on, not just of Vert.x.
 */
public final class BareVertxProxy extends AbstractVerticle {

    private final int port;
    private final int upstreamPort;
    private final boolean webClient;
    private HttpClient client;
    private WebClient web;

    private BareVertxProxy(int port, int upstreamPort, HttpClient shared, boolean webClient) {
        this.port = port;
        this.upstreamPort = upstreamPort;
        this.client = shared;
        this.webClient = webClient;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        // Quarkus's default: two event loops per core.
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        String mode = args.length > 2 ? args[2] : "";
        HttpClient shared = mode.equals("shared")
                ? vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(256))
                : null;
        boolean webClient = mode.equals("webclient");
        vertx.deployVerticle(() -> new BareVertxProxy(port, upstreamPort, shared, webClient), new DeploymentOptions().setInstances(loops))
                .onSuccess(id -> System.out.println("bare Vert.x proxy on :" + port + " -> :" + upstreamPort
                        + (webClient ? " through the Web Client" : "")))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public void start(Promise<Void> started) {
        // A pool per event loop, as the gateway's EventLoopClients keeps.
        if (webClient) {
            web = WebClient.create(io.vertx.mutiny.core.Vertx.newInstance(vertx), new WebClientOptions().setKeepAlive(true).setMaxPoolSize(64));
        } else if (client == null) {
            client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
        }
        vertx.createHttpServer().requestHandler(webClient ? this::relayThroughWebClient : this::relay).listen(port)
                .<Void>mapEmpty().onComplete(started);
    }

    private void relay(HttpServerRequest request) {
        request.body()
                .compose(body -> client.request(new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
                        .setPort(upstreamPort).setURI(request.uri()).setHeaders(request.headers()))
                        .compose(upstream -> upstream.send(body)))
                .compose(reply -> reply.body().compose(body -> {
                    request.response().setStatusCode(reply.statusCode()).headers().addAll(reply.headers());
                    return request.response().end(body);
                }))
                .recover(failure -> request.response().ended() ? Future.succeededFuture()
                        : request.response().setStatusCode(502).end());
    }

    /** The same relay with the Mutiny Web Client's request, body handling and Uni in place of the core client's. */
    private void relayThroughWebClient(HttpServerRequest request) {
        request.body()
                .onSuccess(body -> web.request(request.method(), new RequestOptions().setHost("127.0.0.1").setPort(upstreamPort)
                        .setURI(request.uri()))
                        .putHeaders(io.vertx.mutiny.core.MultiMap.newInstance(request.headers()))
                        .sendBuffer(io.vertx.mutiny.core.buffer.Buffer.newInstance(body))
                        .subscribe().with(reply -> {
                            io.vertx.mutiny.core.buffer.Buffer replyBody = reply.bodyAsBuffer();
                            request.response().setStatusCode(reply.statusCode()).headers().addAll(reply.headers().getDelegate());
                            request.response().end(replyBody == null ? io.vertx.core.buffer.Buffer.buffer() : replyBody.getDelegate());
                        }, failure -> {
                            if (!request.response().ended()) {
                                request.response().setStatusCode(502).end();
                            }
                        }))
                .onFailure(failure -> request.response().setStatusCode(400).end());
    }
}
