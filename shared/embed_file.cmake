# Writes INPUT into OUTPUT as a C++ raw string returned by synccore::embeddedSurveyDefinition().
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <string_view>\nnamespace synccore {\nstd::string_view embeddedSurveyDefinition() {\n  return R\"ANJU_JSON(${CONTENT})ANJU_JSON\";\n}\n}  // namespace synccore\n")
