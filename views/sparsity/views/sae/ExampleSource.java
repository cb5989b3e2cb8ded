package sparsity.views.sae;

import java.util.Objects;

import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.ExampleImages;
import sparsity.sae.features.LatentExplorer;

/**
 * Where the latent browser and the code raster get an example's codes and thumbnail: a
 * {@link LatentExplorer} in the app, anything in tests. Called off the JavaFX thread.
 */
public interface ExampleSource {

    /** The codes of the example's rows (encodes them; may take a moment). */
    ExampleCodes codes(int example);

    /** The example's thumbnail, or why there is none. */
    ExampleImages.Result image(int example);

    /** True when the rows are tokens of texts. */
    boolean perToken();

    /** True when examples are images (thumbnails are shown). */
    boolean hasImages();

    int examples();

    /** The example's text or image name (null when none was recorded). */
    String exampleName(int example);

    static ExampleSource of(LatentExplorer x) {
        Objects.requireNonNull(x, "explorer");
        boolean images = x.hasImages();
        return new ExampleSource() {
            @Override
            public ExampleCodes codes(int example) {
                return x.codes(example);
            }

            @Override
            public ExampleImages.Result image(int example) {
                return x.image(example);
            }

            @Override
            public boolean perToken() {
                return x.perToken();
            }

            @Override
            public boolean hasImages() {
                return images;
            }

            @Override
            public int examples() {
                return x.examples();
            }

            @Override
            public String exampleName(int example) {
                return x.exampleName(example);
            }
        };
    }
}
