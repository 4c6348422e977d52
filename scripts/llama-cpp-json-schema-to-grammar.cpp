// llama.cpp's own JSON Schema → GBNF converter (common/json-schema-to-grammar.cpp, the one
// llama-server uses for `json_schema`) behind the `grammar` CLI's interface: one schema on stdin,
// the grammar on stdout, exit 2 with one line on stderr when it throws. Dev-time only, to measure
// it in the same conformance run as ours:
//
//   L=~/.cache/llama-tools-server/llama.cpp-v0.5.0
//   g++ -std=c++17 -O1 -I$L/common -I$L/include -I$L/vendor -I$L/ggml/include \
//     scripts/llama-cpp-json-schema-to-grammar.cpp -L$L/build/bin -lllama-common -lllama \
//     -Wl,-rpath,$L/build/bin -o /tmp/llama-cpp-json-schema-to-grammar
//   node scripts/measure-json-schema-test-suite.mjs <suite-dir> --command /tmp/llama-cpp-json-schema-to-grammar
#include "json-schema-to-grammar.h"

#include <iostream>
#include <iterator>

int main() {
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    try {
        std::cout << json_schema_to_grammar(common_json::parse(input), true);
        return 0;
    } catch (const std::exception & e) {
        std::cerr << "unsupported schema: 'llama.cpp' at '': " << e.what() << "\n";
        return 2;
    }
}
