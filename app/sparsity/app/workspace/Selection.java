package sparsity.app.workspace;

import java.util.List;
import java.util.Map;

/**
 * What the user had open and selected.
 *
 * @param activeArtifactId the artifact whose tab was in front (may be null)
 * @param openArtifactIds  artifacts open in tabs, in tab order
 * @param selectedTensors  per model artifact id, the tensors selected in its tensor list
 */
public record Selection(String activeArtifactId, List<String> openArtifactIds,
                        Map<String, List<String>> selectedTensors) {

    public Selection {
        openArtifactIds = openArtifactIds == null ? List.of() : List.copyOf(openArtifactIds);
        selectedTensors = selectedTensors == null ? Map.of() : Map.copyOf(selectedTensors);
    }

    public static Selection empty() {
        return new Selection(null, List.of(), Map.of());
    }
}
