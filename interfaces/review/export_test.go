package review

var GlobsOverlap = globsOverlap
var CoversPrivateDevShm = coversPrivateDevShm
