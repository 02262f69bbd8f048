package dev.pledge.common.problem;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What is wrong with a JSON body, in words about the JSON (at qty: expected a whole number, got "abc"), never in
 * Jackson's words about our Java types.
 */
public final class JsonErrorText {
    private static final Pattern TOKEN = Pattern.compile("JsonToken\\.(\\w+)");
    /** "... to deserialize from String value ('order')": what came, when the parser has moved on. */
    private static final Pattern FROM = Pattern.compile("from (String|Number|Integral|Floating-point|Boolean|Array|Object)"
            + " value(?: \\((?:'(.*?)'|([^)`]*))\\))?");
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?(start marker )?at \\[Source:.*?]\\)?", Pattern.DOTALL);

    private JsonErrorText() {
    }

    /** {@code subject}, where in the body, and what is wrong: "Malformed JSON body at qty: expected ...". */
    public static String of(String subject, JsonProcessingException e) {
        String where = e instanceof JsonMappingException m ? path(m) : "";
        return subject + (where.isEmpty() ? "" : " at " + where) + ": " + what(e);
    }

    private static String what(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
                    .sorted().collect(Collectors.joining(", "));
            return "unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known fields: " + known + ")");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String got = e instanceof InvalidFormatException f ? value(f.getValue()) : got(m);
            if (got.equals("nothing")) {
                return "the body is empty; expected " + expected(m.getTargetType());
            }
            return "expected " + expected(m.getTargetType()) + ", got " + got;
        }
        if (e instanceof JsonMappingException) {
            String words = FailureText.plain(clean(e.getOriginalMessage()));
            return words.isEmpty() ? "a value does not fit its field" : words;
        }
        JsonLocation at = e.getLocation();
        return "not valid JSON" + (at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column "
                + at.getColumnNr()) + ": " + lowerFirst(FailureText.plain(clean(e.getOriginalMessage())));
    }

    /** The JSON kind a Java type is read from. */
    static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
                || type == short.class || type == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class || type == BigDecimal.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == UUID.class) {
            return "a UUID string";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "a date-time string";
        }
        if (type.isEnum()) {
            Object[] values = type.getEnumConstants();
            StringBuilder one = new StringBuilder("one of");
            for (int i = 0; i < values.length; i++) {
                one.append(i == 0 ? " " : ", ").append(values[i]);
            }
            return one.toString();
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a JSON array";
        }
        if (Map.class.isAssignableFrom(type) || !type.isPrimitive()) {
            return "a JSON object";
        }
        return "a value of another kind";
    }

    /** What the body held where a value did not fit, from the parser when it still stands on it. */
    private static String got(MismatchedInputException e) {
        JsonToken token = null;
        String text = null;
        if (e.getProcessor() instanceof JsonParser p) {
            token = p.currentToken();
            try {
                text = token != null && token.isScalarValue() ? p.getText() : null;
            } catch (java.io.IOException unreadable) {
                text = null;
            }
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher m = TOKEN.matcher(message);
        if (m.find()) {
            JsonToken named = JsonToken.valueOf(m.group(1));
            if (named != token) {
                token = named;
                text = null;
            }
        }
        if (token == null) {
            return message.contains("end-of-input") ? "nothing" : from(message);
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> text == null ? "a string" : value(text);
            case VALUE_NUMBER_INT -> text == null ? "a whole number" : text;
            case VALUE_NUMBER_FLOAT -> text == null ? "a number with a fraction" : text;
            case VALUE_TRUE, VALUE_FALSE -> token.asString();
            case VALUE_NULL -> "null";
            default -> "a value of another kind";
        };
    }

    private static String from(String message) {
        Matcher m = FROM.matcher(message);
        if (!m.find()) {
            return "a value of another kind";
        }
        if (m.group(2) != null) {
            return value(m.group(2));
        }
        if (m.group(3) != null && !m.group(3).startsWith("token")) {
            return m.group(3);
        }
        return switch (m.group(1)) {
            case "String" -> "a string";
            case "Array" -> "an array";
            case "Object" -> "an object";
            case "Boolean" -> "true or false";
            default -> "a number";
        };
    }

    private static String value(Object v) {
        return v instanceof String s ? "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"" : String.valueOf(v);
    }

    /** "items[2].qty", from the path Jackson kept. */
    private static String path(JsonMappingException e) {
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                where.append(where.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                where.append('[').append(r.getIndex()).append(']');
            }
        }
        return where.toString();
    }

    private static String clean(String message) {
        return message == null ? "" : SOURCE.matcher(message).replaceAll("").replaceAll("`", "");
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
