package dev.pledge.balancer;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.httpproxy.HttpProxy;

/**
 * Every request to the balancer goes to one replica, round-robin (Vert.x's reverse proxy, non-blocking).
 * A replica that refuses the connection is marked down and the next one is tried: nothing was sent, so this
 * is safe for any request. A request already sent to a replica that then dies is answered 502, as a client
 * would see a lost connection; clients retry with their idempotency keys. A probe of each replica's
 * {@code /q/health/ready} marks it up or down again.
 */
@ApplicationScoped
public class Balancer {
    private static final Logger LOG = Logger.getLogger(Balancer.class);

    /**
     * The longest a forwarded request may go without a byte from its replica (a frozen replica accepts
     * connections but never answers): above the longest transaction timeout and long poll clients use.
     */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(120);

    private final Backends backends;
    private final Duration probeInterval;
    private final Duration connectTimeout;

    Balancer(@ConfigProperty(name = "pledge.balancer.backends") List<String> backends,
             @ConfigProperty(name = "pledge.balancer.probe-interval", defaultValue = "500ms") Duration probeInterval,
             @ConfigProperty(name = "pledge.balancer.connect-timeout", defaultValue = "1s") Duration connectTimeout) {
        this.backends = Backends.parse(backends);
        this.probeInterval = probeInterval;
        this.connectTimeout = connectTimeout;
    }

    void install(@Observes Router router, Vertx vertx) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout((int) connectTimeout.toMillis()), new PoolOptions().setHttp1MaxSize(64));
        HttpProxy proxy = HttpProxy.reverseProxy(client).originRequestProvider((request, c) -> connect(c, backends.order(), 0));
        router.route().handler(rc -> proxy.handle(rc.request()));
        vertx.setPeriodic(probeInterval.toMillis(), id -> backends.all().forEach(b -> probe(client, b)));
        LOG.infof("balancing over %s", backends.all());
    }

    private Future<HttpClientRequest> connect(HttpClient client, List<Backends.Backend> order, int i) {
        Backends.Backend b = order.get(i);
        return client.request(new RequestOptions().setServer(SocketAddress.inetSocketAddress(b.port(), b.host()))
                        .setConnectTimeout(connectTimeout.toMillis()).setIdleTimeout(REPLY_TIMEOUT.toMillis()))
                .recover(e -> {
                    if (backends.markDown(b)) {
                        LOG.warnf("%s is down (%s)", b, e.getMessage());
                    }
                    return i + 1 < order.size() ? connect(client, order, i + 1) : Future.failedFuture(e);
                });
    }

    private void probe(HttpClient client, Backends.Backend b) {
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(b.host()).setPort(b.port())
                        .setURI("/q/health/ready").setIdleTimeout(probeInterval.multipliedBy(2).toMillis()))
                .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
                .onComplete(result -> {
                    boolean ready = result.succeeded() && result.result() == 200;
                    if (ready && backends.markUp(b)) {
                        LOG.infof("%s is ready again", b);
                    } else if (!ready && backends.markDown(b)) {
                        LOG.warnf("%s is not ready (%s)", b, result.succeeded() ? "HTTP " + result.result()
                                : result.cause().getMessage());
                    }
                });
    }
}
