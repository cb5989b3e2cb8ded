package sparsity.app;

/** Facts about this build of the app. */
public final class AppInfo {

    private AppInfo() {
    }

    /** Version from the jar manifest, or the development version when run from classes. */
    public static String version() {
        String v = AppInfo.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
