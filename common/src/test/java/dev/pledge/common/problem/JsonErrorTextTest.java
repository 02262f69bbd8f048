package dev.pledge.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Bodies a client gets wrong, read as the services read them, and what the problem detail says about each: where
 * in the body, what was expected and what came. Never the Java type the body was read into.
 */
class JsonErrorTextTest {
    /** Read as the services read bodies: a fraction is not a whole number, unknown fields are refused here. */
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record Line(String sku, Integer qty) {
    }

    record Order(String sku, Integer qty, BigDecimal amount, Boolean express, List<Line> lines) {
    }

    private static final String[][] TABLE = {
        // body                                     expected detail
        {"[]", "Malformed JSON body: expected a JSON object, got an array"},
        {"\"order\"", "Malformed JSON body: expected a JSON object, got \"order\""},
        {"{\"qty\":\"abc\"}", "Malformed JSON body at qty: expected a whole number, got \"abc\""},
        {"{\"qty\":1.5}", "Malformed JSON body at qty: expected a whole number, got 1.5"},
        {"{\"qty\":{}}", "Malformed JSON body at qty: expected a whole number, got an object"},
        {"{\"sku\":[1]}", "Malformed JSON body at sku: expected a string, got an array"},
        {"{\"amount\":\"ten\"}", "Malformed JSON body at amount: expected a number, got \"ten\""},
        {"{\"express\":\"maybe\"}", "Malformed JSON body at express: expected true or false, got \"maybe\""},
        {"{\"lines\":[{\"qty\":\"x\"}]}", "Malformed JSON body at lines[0].qty: expected a whole number, got \"x\""},
        {"{\"lines\":{}}", "Malformed JSON body at lines: expected a JSON array, got an object"},
        {"{\"foo\":1}", "Malformed JSON body at foo: unknown field 'foo' (known fields: amount, express, lines, qty, sku)"},
        {"{\"sku\": }", "Malformed JSON body: not valid JSON at line 1, column 9: unexpected character"},
        {"{\"sku\":\"A\"", "Malformed JSON body: not valid JSON at line 1, column 11: unexpected end-of-input"},
        {"", "Malformed JSON body: the body is empty; expected a JSON object"},
    };

    @Test
    void eachMalformedBodyIsDescribedByWhereAndWhatWithoutAJavaType() {
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        for (String[] row : TABLE) {
            JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> JSON.readValue(row[0], Order.class));
            assertThat(e).as(row[0]).isNotNull();
            String text = JsonErrorText.of("Malformed JSON body", e);
            soft.assertThat(text).as(row[0]).startsWith(row[1]).doesNotContainPattern(FailureTextTest.JAVA_NAME)
                    .doesNotContain("Order").doesNotContain("Integer").doesNotContain("Source");
        }
        soft.assertAll();
    }
}
