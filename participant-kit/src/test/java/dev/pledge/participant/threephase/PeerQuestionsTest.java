package dev.pledge.participant.threephase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.pledge.common.protocol.BranchState;

class PeerQuestionsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void readsTheStatesOfPeersThatAnswer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/branches/", exchange -> {
            boolean known = exchange.getRequestURI().getPath().endsWith("/g1");
            byte[] body = "{\"state\":\"PRECOMMITTED\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(known ? 200 : 404, known ? body.length : -1);
            if (known) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        open.add(() -> server.stop(0));
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        PeerQuestions questions = new PeerQuestions(http, new ObjectMapper(), TIMEOUT, name -> java.util.Optional.empty());

        assertThat(questions.stateOf(new Peer("payment", url, "g1"))).contains(BranchState.PRECOMMITTED);
        assertThat(questions.stateOf(new Peer("payment", url, "g2"))).contains(BranchState.WORKING);
    }

    @Test
    void aPeerThatDoesNotAnswerIsAskedOncePerPass() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(silent);
        AtomicInteger connections = new AtomicInteger();
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = silent.accept(); // reads nothing, answers nothing
                    connections.incrementAndGet();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        String url = "http://127.0.0.1:" + silent.getLocalPort();
        PeerQuestions pass = new PeerQuestions(http, new ObjectMapper(), TIMEOUT, name -> java.util.Optional.empty());

        for (int i = 0; i < 5; i++) {
            assertThat(pass.stateOf(new Peer("payment", url + "/", "g" + i))).isEqualTo(Optional.empty());
        }
        assertThat(connections).hasValue(1);

        // the next pass asks again
        assertThat(new PeerQuestions(http, new ObjectMapper(), TIMEOUT, name -> java.util.Optional.empty()).stateOf(new Peer("payment", url, "g0"))).isEmpty();
        assertThat(connections).hasValue(2);
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
