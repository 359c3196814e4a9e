package review

var GlobsOverlap = globsOverlap
