package dev.pledge.chaos.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The generated bodies are certain to be invalid, and the same seed gives the same bodies. */
class BodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Endpoint orders = Endpoints.all("http://c", "http://i", "http://p", "http://s", "run").get(0);

    @Test
    void everyGeneratedOrderBreaksARuleOfTheOrderEndpoint() throws Exception {
        Bodies bodies = new Bodies(42);
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Bodies.Body b = bodies.next(orders);
            if (validOrder(b.text())) {
                valid.add(b.text() + " (" + b.how() + ")");
            }
        }
        assertThat(valid).isEmpty();
        assertThat(validOrder(orders.valid().toString())).as("the oracle accepts the valid order").isTrue();
    }

    @Test
    void theSameSeedGivesTheSameBodies() {
        Bodies a = new Bodies(7);
        Bodies b = new Bodies(7);
        for (int i = 0; i < 200; i++) {
            assertThat(a.next(orders)).isEqualTo(b.next(orders));
        }
    }

    /** The coordinator's rules for POST /orders, written out independently of its code. */
    private static boolean validOrder(String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (Exception e) {
            return false;
        }
        if (o == null || !o.isObject()) {
            return false;
        }
        Set<String> known = Set.of("sku", "qty", "account", "amount", "protocol", "timeoutMs");
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        if (!known.containsAll(names)) {
            return false;
        }
        JsonNode sku = o.get("sku");
        JsonNode qty = o.get("qty");
        JsonNode account = o.get("account");
        JsonNode amount = o.get("amount");
        JsonNode protocol = o.get("protocol");
        JsonNode timeout = o.get("timeoutMs");
        boolean ok = text(sku) && sku.asText().matches("[A-Z0-9][A-Z0-9-]{0,31}")
                && qty != null && (qty.isInt() || qty.isTextual() && qty.asText().matches("-?\\d+"))
                && qty.asLong() >= 1 && qty.asLong() <= 10_000
                && text(account) && account.asText().matches("[a-z0-9][a-z0-9-]{0,31}")
                && amount != null && (amount.isNumber() || amount.isTextual()) && money(amount.asText())
                && text(protocol) && protocol.asText().matches("(?i)[23]pc");
        if (!ok) {
            return false;
        }
        return timeout == null || timeout.isNull() || timeout.canConvertToLong() && timeout.asLong() >= 100
                && timeout.asLong() <= 600_000;
    }

    /** A string, or a scalar Jackson would read as one. */
    private static boolean text(JsonNode n) {
        return n != null && (n.isTextual() || n.isNumber() || n.isBoolean());
    }

    private static boolean money(String s) {
        try {
            BigDecimal v = new BigDecimal(s);
            return v.compareTo(new BigDecimal("0.01")) >= 0 && v.compareTo(new BigDecimal("1000000000")) <= 0 && v.scale() <= 2;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
