package sparsity.app.workspace;

/** A workspace that cannot be opened or saved as asked; the message says why. */
public class WorkspaceException extends Exception {

    public WorkspaceException(String message) {
        super(message);
    }

    public WorkspaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
