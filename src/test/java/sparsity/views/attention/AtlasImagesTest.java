package sparsity.views.attention;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import sparsity.views.export.Exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The atlas drawn headless, as the CLI and the report draw it. */
class AtlasImagesTest {

    @Test
    void aTwelveByTwelveAtlasRendersHeadlessWithEveryThumbnailInItsCell() throws Exception {
        int n = 128;
        List<AtlasModel.Head> heads = new ArrayList<>();
        for (int l = 0; l < 12; l++) {
            for (int h = 0; h < 12; h++) {
                float[] m = switch ((l + h) % 4) {
                    case 0 -> AtlasMaps.diagonal(n);
                    case 1 -> AtlasMaps.firstColumn(n);
                    case 2 -> AtlasMaps.previousToken(n);
                    default -> AtlasMaps.causalRandom(n, l * 12L + h);
                };
                String label = switch ((l + h) % 4) {
                    case 0 -> "self";
                    case 1 -> "sink";
                    case 2 -> "previous";
                    default -> "mixed";
                };
                heads.add(new AtlasModel.Head(l, h, m, n, n, label, "sparsity 0." + (90 + (l + h) % 10)));
            }
        }
        AtlasModel model = new AtlasModel("12 x 12 synthetic heads", 12, 12, heads);
        BufferedImage img = AtlasImages.render(model, 64, true);
        // head 0.1 is a sink: its thumbnail's first column is the top colour, its last the bottom one
        int x = 40 + (64 + 8);
        int y = 44;
        assertEquals(sparsity.views.heatmap.Colormap.VIRIDIS.argb(1), img.getRGB(x, y + 30));
        assertEquals(sparsity.views.heatmap.Colormap.VIRIDIS.argb(0), img.getRGB(x + 63, y + 30));
        Exporter.writePng(AtlasImages.imageSource(model, true), 1200, 1400,
                Path.of(System.getProperty("java.io.tmpdir"), "atlas-12x12.png"));
    }

    @Test
    void theModelRefusesHeadsOutsideTheGridAndDuplicates() {
        float[] m = AtlasMaps.diagonal(4);
        assertThrows(IllegalArgumentException.class, () -> new AtlasModel("a", 1, 1,
                List.of(new AtlasModel.Head(0, 1, m, 4, 4, "", ""))));
        assertThrows(IllegalArgumentException.class, () -> new AtlasModel("a", 1, 1,
                List.of(new AtlasModel.Head(0, 0, m, 4, 4, "", ""), new AtlasModel.Head(0, 0, m, 4, 4, "", ""))));
        assertThrows(IllegalArgumentException.class, () -> new AtlasModel.Head(0, 0, m, 4, 5, "", ""));
    }
}
