package pac

import (
	"reflect"
	"slices"

	"github.com/dop251/goja/ast"
)

// calledHelpers walks the syntax tree for calls of PAC helpers by name.
// goja's ast has no visitor, so reflection walks every node; only types of
// the ast package are entered (not file.File with its source and maps).
func calledHelpers(prog *ast.Program) []string {
	found := map[string]bool{}
	known := map[string]bool{}
	for _, n := range helperNames {
		known[n] = true
	}
	astPkg := reflect.TypeOf(ast.Program{}).PkgPath()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if v.IsNil() {
				return
			}
			if call, ok := v.Interface().(*ast.CallExpression); ok {
				if id, ok := call.Callee.(*ast.Identifier); ok && known[string(id.Name)] {
					found[string(id.Name)] = true
				}
			}
			walk(v.Elem())
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Struct:
			if v.Type().PkgPath() != astPkg {
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(prog))
	out := make([]string, 0, len(found))
	for n := range found {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
