"""Optional third check of the fake's recorded answers, with Python's openapi-schema-validator.

    make spec-conformance                       # records build/recorded-answers
    python3 spec/validate-answers.py openapi.yaml build/recorded-answers

Not part of `make test`: the project pins no Python packages. It needs PyYAML and
openapi-schema-validator (tried with 0.9.0); its OAS30ReadValidator reads `nullable` the OAS
3.0.3 way (only beside a `type` in the same schema object), with OAS 3.0 format checks on.
Answers to paths the spec does not have are left to the two checks in `make spec-conformance`.
"""
import json
import os
import sys

import yaml
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker


def main(spec_path, answers):
    spec = yaml.safe_load(open(spec_path, encoding="utf-8"))
    index = json.load(open(os.path.join(answers, "index.json"), encoding="utf-8"))
    passed, failed = 0, 0
    for name in index["answers"]:
        a = json.load(open(os.path.join(answers, name), encoding="utf-8"))
        if not a.get("operation"):
            continue
        op = spec["paths"][a["operation"]["path"]][a["operation"]["method"]]
        resp = op["responses"].get(str(a["status"]))
        problems = []
        if resp is None:
            problems.append("status %d is not declared" % a["status"])
        else:
            if "$ref" in resp:
                resp = spec["components"]["responses"][resp["$ref"].rsplit("/", 1)[-1]]
            media = a["contentType"].split(";")[0].strip()
            content = resp.get("content", {}).get(media)
            if content is None:
                problems.append("Content-Type %s is not declared" % media)
            else:
                schema = dict(content["schema"], components=spec["components"])
                body = json.loads(a["body"]) if media == "application/json" else a["body"]
                validator = OAS30ReadValidator(schema, format_checker=oas30_format_checker)
                for e in validator.iter_errors(body):
                    problems.append("/%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:200]))
        if problems:
            failed += 1
            print("FAIL %s (%s): %s" % (name, a["name"], "; ".join(problems)), file=sys.stderr)
        else:
            passed += 1
    print("validate-answers.py: %d of %d answers to the spec's operations match %s"
          % (passed, passed + failed, spec_path))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python3 spec/validate-answers.py openapi.yaml DIR")
    sys.exit(main(sys.argv[1], sys.argv[2]))
