package caravan.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuestionTextTest {

    @Test
    void surfaceFormsThatChangeNothingAreWrittenAlike() {
        assertThat(QuestionText.normalize("What's the capital of France?")).isEqualTo("what is the capital of france");
        assertThat(QuestionText.normalize("  I can\u2019t, and I won't -- they're here; I'm sure we'll see, I've said  "))
                .isEqualTo("i can not and i will not they are here i am sure we will see i have said");
        assertThat(QuestionText.normalize("Don't stop")).isEqualTo("do not stop");
    }

    @Test
    void wordsAndNumbersStay() {
        assertThat(QuestionText.normalize("Größe von Köln: 405 km²")).isEqualTo("größe von köln 405 km²");
    }
}
