package dev.pledge.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.impl.NoStackTraceTimeoutException;

/**
 * Every shape of failed call a service meets, as the REST clients raise it, and the words a person reads for it:
 * what happened, at which address, and how long was waited. No row may leak a Java type name.
 */
class FailureTextTest {
    /** What a person must never read in a reason: an exception's class or a Java package. */
    static final Pattern JAVA_NAME = Pattern.compile(
            "\\b[A-Z][A-Za-z]+(Exception|Error)\\b|dev\\.pledge\\.|java\\.|javax\\.|jakarta\\.|io\\.vertx|io\\.netty|io\\.smallrye");

    private record Row(String shape, Supplier<Throwable> failure, String awaited, String url, List<String> words) {
    }

    private static final List<Row> TABLE = List.of(
            new Row("Netty's refused connection, wrapped by the REST client",
                    () -> wrapped(new ConnectException("Connection refused: localhost/127.0.0.1:8081")), "the prepare", null,
                    List.of("connection refused at 127.0.0.1:8081", "not running or not listening")),
            new Row("the JDK client's refused connection: no message at all, the address known only to the caller",
                    () -> new ConnectException(null), null, "http://127.0.0.1:8082/health",
                    List.of("connection refused at 127.0.0.1:8082")),
            new Row("Netty's connect timeout",
                    () -> wrapped(new ConnectTimeoutException("connection timed out after 2000 ms: localhost/10.0.0.9:8081")),
                    "the prepare", null, List.of("could not connect to 10.0.0.9:8081 within 2000 ms", "host is down")),
            new Row("Vert.x's request timeout, the report that started this",
                    () -> wrapped(new NoStackTraceTimeoutException("The timeout period of 5000ms has been exceeded while"
                            + " executing POST /branches/g.inventory/prepare for server localhost:8081")),
                    "the prepare", null, List.of("no answer within 5000 ms to the prepare")),
            new Row("the JDK's read timeout, no duration in it",
                    () -> new SocketTimeoutException("Read timed out"), "the commit", null,
                    List.of("no answer in time to the commit")),
            new Row("the fault-tolerance guard's timeout, its duration in our own words",
                    () -> new ProcessingException("no answer within 6000 ms",
                            new TimeoutException("timed out")),
                    "the abort", null, List.of("no answer within 6000 ms to the abort")),
            new Row("the peer closed the connection mid-request",
                    () -> wrapped(new HttpClosedException("Connection was closed")), "the prepare", null,
                    List.of("the connection closed before an answer", "may have crashed")),
            new Row("the JDK client's closed connection",
                    () -> new IOException("x", new ClosedChannelException()), null, null,
                    List.of("the connection closed before an answer")),
            new Row("end of stream", () -> new EOFException(null), null, null,
                    List.of("the connection closed before an answer")),
            new Row("a reset connection",
                    () -> wrapped(new VertxException(new IOException("Connection reset by peer"))), null, null,
                    List.of("the connection was reset before an answer", "may have crashed")),
            new Row("a name that does not resolve",
                    () -> wrapped(new UnknownHostException("inventory.invalid")), null, null,
                    List.of("unknown host inventory.invalid", "does not resolve")),
            new Row("no route",
                    () -> new NoRouteToHostException("No route to host"), null, "http://10.1.2.3:8081", List.of(
                    "no route to 10.1.2.3:8081")),
            new Row("the circuit breaker, its words ours and its cause a class of its own",
                    () -> new ProcessingException("circuit breaker open after repeated failures to reach it",
                            new CircuitBreakerOpenException()),
                    "the prepare", null, List.of("circuit breaker open after repeated failures to reach it")),
            new Row("the failure detector's suspicion",
                    () -> new ProcessingException("suspected down by the failure detector (phi 12.5), not asked"),
                    "the prepare", null, List.of("suspected down by the failure detector (phi 12.5), not asked")),
            new Row("an unknown failure whose message names a Java type",
                    () -> new ProcessingException("io.vertx.core.VertxException: javax.net.ssl.SSLHandshakeException:"
                            + " certificate expired"), null, null, List.of("certificate expired")),
            new Row("an unknown failure with no message anywhere",
                    () -> new ProcessingException((String) null, new IllegalStateException()), null, null,
                    List.of("failed without an explanation", "service log")));

    @Test
    void everyShapeOfFailedCallReadsAsPlainWordsWithoutAJavaName() {
        for (Row row : TABLE) {
            String text = FailureText.of(row.failure().get(), row.awaited(), row.url());
            assertThat(text).as(row.shape()).doesNotContainPattern(JAVA_NAME);
            for (String words : row.words()) {
                assertThat(text).as(row.shape()).contains(words);
            }
        }
    }

    @Test
    void onlyAFailureToConnectMeansUnreachable() {
        assertThat(FailureText.unreachable(wrapped(new ConnectException("Connection refused")))).isTrue();
        assertThat(FailureText.unreachable(wrapped(new UnknownHostException("x")))).isTrue();
        assertThat(FailureText.unreachable(wrapped(new HttpClosedException("Connection was closed")))).isFalse();
        assertThat(FailureText.unreachable(new SocketTimeoutException("Read timed out"))).isFalse();
    }

    @Test
    void plainDropsTypeNamesAndKeepsTheRest() {
        assertThat(FailureText.plain("java.lang.IllegalStateException: stock table missing")).isEqualTo("stock table missing");
        assertThat(FailureText.plain("NoStackTraceTimeoutException The timeout period of 5000ms has been exceeded"))
                .isEqualTo("The timeout period of 5000ms has been exceeded");
        assertThat(FailureText.plain("connection refused at 127.0.0.1:8081")).isEqualTo("connection refused at 127.0.0.1:8081");
        assertThat(FailureText.plain("org.postgresql.util.PSQLException")).isEmpty();
        assertThat(FailureText.plain(null)).isEmpty();
    }

    /** Stand-ins for the fault-tolerance exceptions (not on this module's path): a class name, no words of ours. */
    private static final class TimeoutException extends RuntimeException {
        TimeoutException(String message) {
            super(message);
        }
    }

    private static final class CircuitBreakerOpenException extends RuntimeException {
        CircuitBreakerOpenException() {
            super("dev.pledge.Guard#participant http://127.0.0.1:8081 circuit breaker is open");
        }
    }

    /** What the REST client raises: its message is the cause's {@code toString()}, class name first. */
    private static ProcessingException wrapped(Throwable cause) {
        return new ProcessingException(cause.toString(), cause);
    }
}
