package caravan.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void idsCountUpBehindAPrefixOfTheirOwn() {
        RequestIds ids = new RequestIds();
        String first = ids.generateUuid();
        String second = ids.generateUuid();

        assertThat(first).matches("[0-9a-f]{12}-0");
        assertThat(second).isEqualTo(first.substring(0, 13) + "1");
        assertThat(ids.sequenceOf(first)).isZero();
        assertThat(ids.sequenceOf(second)).isEqualTo(1);
    }

    @Test
    void idsOfAnotherProcessOrShapeHaveNoSequence() {
        RequestIds ids = new RequestIds();
        String other = new RequestIds().generateUuid();
        String prefix = ids.generateUuid().substring(0, 13);

        assertThat(ids.sequenceOf(other)).isEqualTo(-1);
        assertThat(ids.sequenceOf(null)).isEqualTo(-1);
        assertThat(ids.sequenceOf(prefix)).isEqualTo(-1);
        assertThat(ids.sequenceOf(prefix + "zz")).isEqualTo(-1);
        assertThat(ids.sequenceOf(prefix + "1".repeat(17))).isEqualTo(-1);
        assertThat(ids.sequenceOf(prefix + "ffffffffffffffff")).isEqualTo(-1);
    }
}
