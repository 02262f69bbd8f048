package dev.pledge.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.identity.Caller;
import dev.pledge.identity.TokenMinter;

/** JSON over HTTP to the services, with errors a person can act on. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** A service answered with an error; the message carries its problem details. */
    static final class ApiException extends RuntimeException {
        private final int status;

        ApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** The operator's key, when the CLI acts on a stack: every call carries its token. */
    private static volatile TokenMinter operator;

    private Api() {
    }

    /** Signs every later call as the operator (docs/security.md: the CLI and its tools act as "operator"). */
    static void actAs(TokenMinter minter) {
        operator = minter;
    }

    static JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    static JsonNode post(String url, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    static JsonNode put(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    static JsonNode delete(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE());
    }

    private static JsonNode send(HttpRequest.Builder request) {
        TokenMinter signer = operator;
        if (signer != null) {
            request.header("Authorization", signer.bearer(Caller.EVERY_SERVICE));
        }
        HttpRequest req = request.header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> resp;
        try {
            resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach " + req.uri().getAuthority()
                    + ": is the stack running? Start it with ./pledge up");
        } catch (IOException e) {
            throw new IllegalStateException(req.method() + " " + req.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode body = parse(resp.body());
        if (resp.statusCode() >= 400) {
            throw new ApiException(resp.statusCode(), describe(resp.statusCode(), body, resp.body()));
        }
        return body;
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }

    /** "400 Bad Request: qty must be at least 1" from an RFC 9457 body. */
    private static String describe(int status, JsonNode problem, String raw) {
        StringBuilder sb = new StringBuilder().append(status);
        if (problem.hasNonNull("title")) {
            sb.append(' ').append(problem.get("title").asText());
        }
        if (problem.hasNonNull("detail")) {
            sb.append(": ").append(problem.get("detail").asText());
        } else if (!problem.isObject()) {
            sb.append(": ").append(raw);
        }
        return sb.toString();
    }
}
