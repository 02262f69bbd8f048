package dev.pledge.participant.action;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.common.problem.JsonErrorText;
import dev.pledge.common.problem.ProblemException;

/** Reads an operation payload into the business action's type and validates it, before anything is written. */
@ApplicationScoped
public class Operations {

    @Inject
    ObjectMapper json;
    @Inject
    Validator validator;

    public <T> T read(Class<T> type, JsonNode raw) {
        T op;
        try {
            op = raw == null || raw.isNull() ? null : json.treeToValue(raw, type);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest(JsonErrorText.of("operation is not valid", e));
        }
        if (op == null) {
            throw ProblemException.badRequest("operation is required");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(op);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return op;
    }
}
