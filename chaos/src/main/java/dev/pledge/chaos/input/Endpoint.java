package dev.pledge.chaos.input;

import java.util.List;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An endpoint that takes a JSON body, a valid body for it, and the ways to make that body certainly
 * invalid: each {@link Breaker} puts one value (or takes one field away) that the endpoint must refuse
 * whatever the other fields hold.
 *
 * @param path        the request path for the n-th request, e.g. with a fresh branch id each time
 * @param typedObjects paths of the objects that are read into a fixed type, where an unknown field is an error
 */
public record Endpoint(String name, String baseUrl, IntFunction<String> path, ObjectNode valid, List<Breaker> breakers,
        List<List<Object>> typedObjects) {

    /** A field (a path of names and array indexes) and the values that make it invalid; null means "leave it out". */
    public record Breaker(List<Object> field, List<JsonNode> values) {
    }
}
