package sparsity.app.cli;

/**
 * Bad input from the user (a wrong file, a bad option value): the CLI prints the message as one
 * line on stderr and exits with status 2; the stack trace only with {@code --verbose}.
 */
public class UserInputException extends RuntimeException {

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
