package dev.pledge.common.json;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Whole numbers stay whole: a quantity of 1.5 is a bad request, not an order for 1 (Jackson would
 * otherwise cut the fraction off without a word).
 */
@Singleton
public class StrictNumbers implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }
}
