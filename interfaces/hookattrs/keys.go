package hookattrs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Keys returns the attribute names that the interfaces in dir, snapd's
// interfaces/builtin, read or set by name: the first argument of every call
// of a function or method whose name holds "Attr" or "Lookup" when it is a
// string, literal or constant, and every string index of an Attrs map.
func Keys(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	constants := make(map[string]string)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, f)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				value := spec.(*ast.ValueSpec)
				for i, ident := range value.Names {
					if i < len(value.Values) {
						if s, ok := stringOf(value.Values[i], nil); ok {
							constants[ident.Name] = s
						}
					}
				}
			}
		}
	}
	if len(parsed) == 0 {
		return nil, &noSourceError{dir}
	}
	found := make(map[string]bool)
	for _, f := range parsed {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if len(n.Args) > 0 && readsAttr(n.Fun) {
					if s, ok := stringOf(n.Args[0], constants); ok {
						found[s] = true
					}
				}
			case *ast.IndexExpr:
				if sel, ok := n.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "Attrs" {
					if s, ok := stringOf(n.Index, constants); ok {
						found[s] = true
					}
				}
			}
			return true
		})
	}
	keys := make([]string, 0, len(found))
	for key := range found {
		if key != "" && !strings.ContainsAny(key, " \t\n") {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

type noSourceError struct{ dir string }

func (e *noSourceError) Error() string {
	return "cannot find snapd's interfaces in " + e.dir + ": no Go files"
}

func readsAttr(fun ast.Expr) bool {
	var name string
	switch fun := fun.(type) {
	case *ast.SelectorExpr:
		name = fun.Sel.Name
	case *ast.Ident:
		name = fun.Name
	}
	return strings.Contains(name, "Attr") || strings.Contains(name, "Lookup")
}

func stringOf(expr ast.Expr, constants map[string]string) (string, bool) {
	switch expr := expr.(type) {
	case *ast.BasicLit:
		if expr.Kind == token.STRING {
			s, err := strconv.Unquote(expr.Value)
			return s, err == nil
		}
	case *ast.Ident:
		s, ok := constants[expr.Name]
		return s, ok
	}
	return "", false
}
