package caravan.guardrails;

/**
 * Who wrote a text a guardrail looks at. Injection is judged differently in what the user typed and in
 * what third parties put in the conversation (tool results, retrieved documents), where any instruction
 * at all is suspect.
 */
public enum Source {
    /** System and developer messages: the application's own instructions. */
    SYSTEM,
    /** User messages: what the end user typed. */
    USER,
    /** Assistant messages of the conversation so far: earlier answers, as the client sends them back. */
    ASSISTANT,
    /** Tool results ({@code tool} and {@code function} messages) and documents handed in: text nobody in the conversation wrote. */
    THIRD_PARTY,
    /** The model's answer being checked (post stage). */
    ANSWER
}
