package dev.pledge.common.crash;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only the exact words true and false start a service: anything else could be read as "on" by the hooks. */
class LabSwitchCheckTest {
    private final LabSwitchCheck check = new LabSwitchCheck();

    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void trueAndFalseStart(String value) {
        assertThatCode(() -> check.check(null, value)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FALSE", "False", "off", "no", "0", "", " false", "true "})
    void anyOtherValueStopsTheService(String value) {
        assertThatThrownBy(() -> check.check(null, value)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be true or false, not '" + value + "'");
    }
}
