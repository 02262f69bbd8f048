package dev.pledge.common.problem;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed call in plain words: what happened and where (connection refused at 127.0.0.1:8081, no answer within
 * 5000 ms to the prepare, the connection closed before an answer), never the name of a Java exception. For reasons,
 * timelines and problem details; logs keep the exception itself.
 */
public final class FailureText {
    /** Names of Java types: {@code java.net.ConnectException}, {@code io.vertx.core.VertxException}. */
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?::\\s*)?");
    /** A bare exception or error name, as {@code toString()} and earlier texts wrote it. */
    private static final Pattern SIMPLE = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error|Throwable)\\b(?::\\s*)?");
    /** host:port, as Netty ("localhost/127.0.0.1:8081") and Vert.x ("server localhost:8081") write it. */
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:[A-Za-z0-9.\\-]+/)?((?:\\d{1,3}\\.){3}\\d{1,3}|\\[[0-9a-fA-F:]+]|[A-Za-z][A-Za-z0-9.\\-]*):(\\d{1,5})\\b");
    private static final Pattern MILLIS = Pattern.compile("(\\d+)\\s*ms\\b");
    private static final String NO_EXPLANATION = "the call failed without an explanation (the service log has the details)";

    private FailureText() {
    }

    /** The failure of a call, in plain words. */
    public static String of(Throwable failure) {
        return of(failure, null, null);
    }

    /**
     * @param awaited what was waited for ("the prepare", "the commit"), named when no answer came; may be null
     * @param url     where the call went, named when the failure itself does not say; may be null
     */
    public static String of(Throwable failure, String awaited, String url) {
        List<Throwable> chain = chain(failure);
        String address = address(chain, url);
        String at = address == null ? "" : " at " + address;
        String to = address == null ? "" : " to " + address;
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException) {
                String host = plain(t.getMessage());
                return "unknown host" + (host.isEmpty() ? "" : " " + host) + " (the name does not resolve)";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route" + to + " (the host is down or the network is cut)";
            }
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException) {
                return connectFailure(chain, t, to, at);
            }
        }
        for (Throwable t : chain) {
            if (isTimeout(t)) {
                String ms = millis(chain);
                return "no answer" + (ms == null ? " in time" : " within " + ms + " ms")
                        + (awaited == null ? "" : " to " + awaited);
            }
        }
        for (Throwable t : chain) {
            String closed = closed(t);
            if (closed != null) {
                return closed;
            }
        }
        for (Throwable t : chain) {
            String words = plain(t.getMessage());
            if (!words.isEmpty()) {
                return words;
            }
        }
        return NO_EXPLANATION;
    }

    /** Whether the call never reached the other side: refused, no route, unknown host, no connection in time. */
    public static boolean unreachable(Throwable failure) {
        return chain(failure).stream().anyMatch(t -> t instanceof ConnectException || t instanceof UnknownHostException
                || t instanceof NoRouteToHostException);
    }

    /** A message without the Java type names in it; empty when nothing else is left. */
    public static String plain(String message) {
        if (message == null) {
            return "";
        }
        String s = QUALIFIED.matcher(message).replaceAll("");
        s = SIMPLE.matcher(s).replaceAll("");
        s = s.replaceAll("\\s+", " ").trim();
        s = s.replaceAll("^[:;,.\\-\\s]+", "");
        return s.isBlank() ? "" : s;
    }

    private static String connectFailure(List<Throwable> chain, Throwable t, String to, String at) {
        String all = messages(chain).toLowerCase(Locale.ROOT);
        if (t.getClass().getSimpleName().contains("Timeout") || all.contains("timed out")) {
            String ms = millis(chain);
            return "could not connect" + to + (ms == null ? " in time" : " within " + ms + " ms")
                    + " (the host is down, or the network drops the packets)";
        }
        if (all.contains("refused") || plain(t.getMessage()).isEmpty()) {
            return "connection refused" + at + " (the service is not running or not listening)";
        }
        return "could not connect" + to + ": " + plain(t.getMessage());
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException
                || t.getClass().getSimpleName().contains("Timeout")
                || plain(t.getMessage()).toLowerCase(Locale.ROOT).matches(".*(timed out|timeout period).*");
    }

    private static String closed(Throwable t) {
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("reset") || m.contains("broken pipe")) {
            return "the connection was reset before an answer (the process may have crashed)";
        }
        if (t instanceof EOFException || t instanceof java.nio.channels.ClosedChannelException
                || t.getClass().getSimpleName().contains("Closed") || m.contains("closed")
                || m.contains("end of stream") || m.matches("(?s).*\\beof\\b.*")) {
            return "the connection closed before an answer (the process may have crashed)";
        }
        return null;
    }

    private static String address(List<Throwable> chain, String url) {
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                Matcher m = ADDRESS.matcher(t.getMessage());
                if (m.find()) {
                    return m.group(1) + ":" + m.group(2);
                }
            }
        }
        if (url == null) {
            return null;
        }
        try {
            URI u = URI.create(url);
            return u.getHost() == null ? null : u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String millis(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t.getMessage() != null) {
                Matcher m = MILLIS.matcher(t.getMessage());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    private static String messages(List<Throwable> chain) {
        StringBuilder all = new StringBuilder();
        chain.forEach(t -> all.append(' ').append(t.getMessage()));
        return all.toString();
    }

    /** The failure and its causes, outermost first, each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t) && chain.size() < 20; t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
